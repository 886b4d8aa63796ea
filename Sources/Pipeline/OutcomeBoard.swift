/// Where the lanes of one run publish job outcomes and wait for the ones they depend on.
/// Costs one dictionary entry per job and one continuation per wait on an unfinished job.
actor OutcomeBoard {
    private var outcomes: [JobKey: JobOutcome] = [:]
    private var waiters: [JobKey: [CheckedContinuation<JobOutcome, Never>]] = [:]
    private var jobSeconds = 0.0, makeSeconds = 0.0

    func finish(_ key: JobKey, _ outcome: JobOutcome, jobSeconds: Double, makeSeconds: Double) {
        outcomes[key] = outcome
        self.jobSeconds += jobSeconds; self.makeSeconds += makeSeconds
        for w in waiters.removeValue(forKey: key) ?? [] { w.resume(returning: outcome) }
    }

    func outcome(of key: JobKey) async -> JobOutcome {
        if let o = outcomes[key] { return o }
        return await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    func report() -> RunReport {
        var r = RunReport(); r.outcomes = outcomes; r.jobSeconds = jobSeconds; r.makeSeconds = makeSeconds
        return r
    }
}
