// Dataset: see ARCHITECTURE.md
