/// Where the lanes of one run publish job outcomes and wait for the ones they depend on.
/// Costs one dictionary entry per job and one continuation per wait on an unfinished job.
actor OutcomeBoard {
    private var outcomes: [JobKey: JobOutcome] = [:]
    private var waiters: [JobKey: [CheckedContinuation<JobOutcome, Never>]] = [:]

    func finish(_ key: JobKey, _ outcome: JobOutcome) {
        outcomes[key] = outcome
        for w in waiters.removeValue(forKey: key) ?? [] { w.resume(returning: outcome) }
    }

    func outcome(of key: JobKey) async -> JobOutcome {
        if let o = outcomes[key] { return o }
        return await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    func report() -> RunReport { var r = RunReport(); r.outcomes = outcomes; return r }
}
