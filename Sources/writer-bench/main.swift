print("writer-bench")
