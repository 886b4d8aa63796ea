import Products

/// One product for one day: the unit the pipeline plans, claims and versions.
public struct JobKey: Sendable, Hashable, CustomStringConvertible {
    public var product: ProductID
    public var day: MissionDay
    public init(_ product: ProductID, _ day: MissionDay) { self.product = product; self.day = day }
    public var description: String { "\(product) \(day)" }
}

/// A mission's products as a graph over days: which jobs an arrived L0 file or a remade product
/// affects (consumers, with their day windows turned around), and which jobs a job waits for.
///
/// Costs: built once per mission from `ProductMaker.nodes` (a few dictionaries); `downstream` visits
/// each affected job once.
public struct DependencyGraph: Sendable {
    public let nodes: [ProductNode]
    /// Position of each product in the maker's order (inputs first): the planner's topological rank.
    public let rank: [ProductID: Int]
    private let consumers: [ProductDependency.Source: [(product: ProductID, days: ClosedRange<Int>)]]

    public init(nodes: [ProductNode]) {
        self.nodes = nodes
        var rank: [ProductID: Int] = [:]
        var consumers: [ProductDependency.Source: [(product: ProductID, days: ClosedRange<Int>)]] = [:]
        for (i, n) in nodes.enumerated() {
            rank[n.id] = i
            for d in n.dependencies { consumers[d.source, default: []].append((n.id, d.days)) }
        }
        self.rank = rank; self.consumers = consumers
    }

    public func node(_ id: ProductID) -> ProductNode? { rank[id].map { nodes[$0] } }

    /// The jobs that read `source` on `day`: a consumer reading days `lo...hi` around its own day
    /// reads `day` from its days `day-hi ... day-lo`.
    public func consumers(of source: ProductDependency.Source, day: MissionDay) -> [JobKey] {
        (consumers[source] ?? []).flatMap { c in
            (-c.days.upperBound ... -c.days.lowerBound).map { JobKey(c.product, day.adding(days: $0)) }
        }
    }

    /// `seeds` and every job downstream of them.
    public func downstream(of seeds: some Sequence<JobKey>) -> Set<JobKey> {
        var result = Set<JobKey>()
        var work = Array(seeds)
        while let k = work.popLast() {
            guard result.insert(k).inserted else { continue }
            work += consumers(of: .product(k.product), day: k.day)
        }
        return result
    }

    /// Every job an arrived (or replaced) L0 file of `instrument` for `day` affects.
    public func affected(byLevel0 instrument: String, day: MissionDay) -> Set<JobKey> {
        downstream(of: consumers(of: .level0(instrument: instrument), day: day))
    }

    /// The product jobs `key` reads (its upstream), with whether each is required.
    public func upstream(of key: JobKey) -> [(key: JobKey, required: Bool)] {
        guard let n = node(key.product) else { return [] }
        return n.dependencies.flatMap { d -> [(key: JobKey, required: Bool)] in
            guard case .product(let q) = d.source else { return [] }
            return d.days.map { (JobKey(q, key.day.adding(days: $0)), d.required) }
        }
    }

    /// The order jobs run in: by product rank (inputs first), then day. Waiting only on jobs earlier
    /// in this order cannot deadlock.
    public func ordered(_ keys: some Sequence<JobKey>) -> [JobKey] {
        keys.filter { rank[$0.product] != nil }.sorted {
            let a = rank[$0.product]!, b = rank[$1.product]!
            return a != b ? a < b : $0.day < $1.day
        }
    }

    /// Whether `a` precedes `b` in `ordered`.
    func precedes(_ a: JobKey, _ b: JobKey) -> Bool {
        guard let ra = rank[a.product], let rb = rank[b.product] else { return false }
        return ra != rb ? ra < rb : a.day < b.day
    }
}
