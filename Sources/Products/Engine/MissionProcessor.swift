import CDF
import CDirectIO
import Dataset
import Decom
import Foundation
import PacketDefinitions
import SpacePackets
import Synchronization

/// Makes a mission's products for a day: the `ProductMaker` that `downlink process` and the pipeline's
/// executor call. Scans and decodes each instrument's L0 files once (instruments in parallel), runs the
/// recipes in dependency order (products whose inputs are ready run in parallel), chains products of
/// the same call in memory, reads other products from their CDF files, puts ISTP metadata on every
/// product and writes each in its formats. Files are written into a staging folder inside the
/// destination and renamed into place only when every product of the call succeeded.
///
/// Costs: one mapping and one decode per instrument; a dataset is held in memory until the last recipe
/// of the call that reads it has replaced it (a large day's chain is several gigabytes at its peak);
/// large columns reuse the memory of dropped ones (`ColumnMemory`).
public struct MissionProcessor: ProductMaker {
    public let mission: Mission

    public init(mission: Mission) { self.mission = mission }

    /// Loads `directory/mission.yaml` with `library` (see `Mission.load`).
    public init(directory: String, library: AlgorithmLibrary) throws(ConfigurationError) {
        mission = try Mission.load(directory: directory, library: library)
    }

    public var missionName: String { mission.name }

    public var nodes: [ProductNode] {
        mission.products.map { recipe in
            ProductNode(id: recipe.id, dependencies: recipe.dependencies, formats: recipe.formats.map(\.rawValue),
                        configurationDigest: mission.digests[recipe.id] ?? "")
        }
    }

    /// The products (in dependency order, within `requested` when given) whose required inputs can be
    /// met from L0 of `instruments` for the day alone: what `downlink process` makes.
    public func makeable(withLevel0Of instruments: Set<String>, requested: Set<ProductID>? = nil) -> [ProductID] {
        var possible = Set<ProductID>()
        for recipe in mission.products {
            let ok = recipe.inputs.allSatisfy { input in
                guard input.required else { return true }
                switch input.source {
                case .level0(let instrument, _): return instruments.contains(instrument)
                case .product(let id): return possible.contains(id) || (id == recipe.id && !input.days.contains(0))
                }
            }
            if ok { possible.insert(recipe.id) }
        }
        // Requested products pull in what they need from the same day.
        guard let requested else { return mission.products.map(\.id).filter { possible.contains($0) } }
        var wanted = Set<ProductID>()
        func pull(_ id: ProductID) {
            guard possible.contains(id), wanted.insert(id).inserted, let recipe = mission.recipe(id) else { return }
            for input in recipe.inputs { if case .product(let up) = input.source, input.days.contains(0), up != id { pull(up) } }
        }
        for id in requested { pull(id) }
        return mission.products.map(\.id).filter { wanted.contains($0) }
    }

    public func make(
        _ products: Set<ProductID>, day: MissionDay, level0: [String: [String]],
        upstream: @escaping @Sendable (ProductID, MissionDay) -> String?, versions: [ProductID: Int], into folder: String
    ) async throws -> [MadeProduct] {
        try await make(products, day: day, level0: level0, upstream: upstream, versions: versions, into: folder, progress: nil)
    }

    /// `make` with a progress report after each decoded instrument and each written product, and
    /// optionally other formats than the configured ones (`formats`, for every product).
    public func make(
        _ products: Set<ProductID>, day: MissionDay, level0: [String: [String]],
        upstream: @escaping @Sendable (ProductID, MissionDay) -> String?, versions: [ProductID: Int], into folder: String,
        formats: [ProductFormat]? = nil, skipProductsWithoutPackets: Bool = false,
        progress: (@Sendable (ProcessProgress) -> Void)?
    ) async throws -> [MadeProduct] {
        for id in products where mission.recipe(id) == nil {
            throw ProductError(product: id.description, "not a product of mission \(mission.name)")
        }
        var recipes = mission.products.filter { products.contains($0.id) }
        let staging = folder + "/.downlink-staging-\(UUID().uuidString)"
        let folderExisted = FileManager.default.fileExists(atPath: folder)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw ProductError(product: mission.name, "cannot create the output folder \(folder): \(error.localizedDescription)")
        }
        var succeeded = false
        defer {
            try? FileManager.default.removeItem(atPath: staging)
            // A folder this call created and left empty goes too: a failed run leaves nothing.
            if !succeeded, !folderExisted, (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
                try? FileManager.default.removeItem(atPath: folder)
            }
        }

        var instruments = Set<String>()
        for r in recipes { for input in r.inputs { if case .level0(let i, _) = input.source { instruments.insert(i) } } }
        var level0Data = try await decode(instruments.sorted(), level0: level0, progress: progress)
        if skipProductsWithoutPackets {
            // "Every product whose inputs are present": a container none of the day's packets fall
            // in (an Ultra file without command echoes) leaves its product, and what needs it, unmade.
            var skipped = Set<ProductID>()
            for r in recipes where r.inputs.contains(where: { input in
                guard input.required, case .level0(let i, let selector) = input.source else { return false }
                switch selector {
                case .container(let name): return level0Data[i]?.byContainer[name] == nil
                case .apid(let apid): return level0Data[i]?.byAPID[apid] == nil
                }
            }) { skipped.insert(r.id) }
            var grew = !skipped.isEmpty
            while grew {
                grew = false
                for r in recipes where !skipped.contains(r.id) && r.inputs.contains(where: { input in
                    guard input.required, input.days.contains(0), case .product(let up) = input.source else { return false }
                    return skipped.contains(up)
                }) { skipped.insert(r.id); grew = true }
            }
            recipes.removeAll { skipped.contains($0.id) }
            for id in skipped.sorted() { progress?(.skipped(id, reason: "no packets of its L0 container on \(day)")) }
        }

        // Datasets are released as soon as the last recipe of this call that reads them has run: a
        // big day's L0 columns and L1B vectors are gigabytes each, and holding every product until the
        // end made the peak the sum of all of them.
        var level0Readers: [String: Int] = [:]
        var productReaders: [ProductID: Int] = [:]
        for r in recipes {
            for input in r.inputs {
                switch input.source {
                case .level0(let i, _): level0Readers[i, default: 0] += 1
                case .product(let up): if products.contains(up), up != r.id, input.days.contains(0) { productReaders[up, default: 0] += 1 }
                }
            }
        }

        var done: [ProductID: Dataset] = [:]
        var made: [MadeProduct] = []
        var remaining = recipes
        while !remaining.isEmpty {
            let ready = remaining.filter { r in
                r.inputs.allSatisfy { input in
                    guard case .product(let up) = input.source, input.days.contains(0), products.contains(up), up != r.id else { return true }
                    return done[up] != nil
                }
            }
            guard !ready.isEmpty else { throw ProductError(product: remaining[0].id.description, "its inputs never became ready") }
            remaining.removeAll { r in ready.contains { $0.id == r.id } }
            // Each task gets only the datasets its recipe reads, and the engine lets go of a dataset as
            // soon as its last reader has it: that reader then frees it when its steps have replaced
            // its columns (a big day's L1A is gigabytes that L1B's first steps gather into new ones).
            var handOver: [ProductID: RecipeInputs] = [:]
            for r in ready {
                var l0: [String: Level0Data] = [:]
                var ups: [ProductID: Dataset] = [:]
                for input in r.inputs {
                    switch input.source {
                    case .level0(let i, _): l0[i] = level0Data[i]
                    case .product(let up):
                        if products.contains(up), up != r.id, input.days.contains(0) { ups[up] = done[up] }
                    }
                }
                handOver[r.id] = RecipeInputs(level0: l0, made: ups)
            }
            for r in ready {
                for input in r.inputs {
                    switch input.source {
                    case .level0(let i, _):
                        level0Readers[i, default: 0] -= 1
                        if level0Readers[i] == 0 { level0Data[i] = nil }
                    case .product(let up):
                        guard products.contains(up), up != r.id, input.days.contains(0) else { continue }
                        productReaders[up, default: 0] -= 1
                        if productReaders[up] == 0 { done[up] = nil }
                    }
                }
            }
            let results = try await withThrowingTaskGroup(of: (ProductID, Dataset, MadeProduct).self) { group in
                for recipe in ready {
                    let inputs = handOver.removeValue(forKey: recipe.id)!
                    group.addTask {
                        try await self.makeOne(recipe, day: day, inputs: inputs, products: products, upstream: upstream,
                                         version: versions[recipe.id] ?? 1, formats: formats ?? recipe.formats, staging: staging,
                                         folder: folder, progress: progress)
                    }
                }
                var out: [(ProductID, Dataset, MadeProduct)] = []
                for try await r in group { out.append(r) }
                return out
            }
            for (id, dataset, product) in results {
                if productReaders[id, default: 0] > 0 { done[id] = dataset }
                made.append(product)
            }
        }
        // Every product succeeded: move the files into place.
        for product in made {
            for path in product.paths {
                let name = (path as NSString).lastPathComponent
                let source = staging + "/" + name
                // A product of an earlier run at `path` (reprocessing) is freed on a background
                // thread, not in the rename.
                if downlink_rename_replacing(source, path) != 0 {
                    throw ProductError(product: product.id.description, "cannot move \(source) to \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
        succeeded = true
        let order = Dictionary(uniqueKeysWithValues: mission.products.enumerated().map { ($1.id, $0) })
        return made.sorted { order[$0.id]! < order[$1.id]! }
    }

    // MARK: L0

    /// Per instrument: decoded datasets by container name, and by APID.
    struct Level0Data: Sendable {
        var byContainer: [String: Dataset] = [:]
        var byAPID: [UInt16: Dataset] = [:]
    }

    private func decode(_ instruments: [String], level0: [String: [String]], progress: (@Sendable (ProcessProgress) -> Void)?) async throws -> [String: Level0Data] {
        try await withThrowingTaskGroup(of: (String, Level0Data).self) { group in
            for name in instruments {
                guard let instrument = mission.instrument(named: name), let definitions = instrument.definitions,
                      let files = level0[name], !files.isEmpty else { continue }
                group.addTask {
                    let start = ContinuousClock.now
                    // No known-APID list: a file may hold other instruments' APIDs, which must not
                    // count as junk; the decode below keeps this instrument's APIDs.
                    let rules = ScanRules()
                    let scanned: [ScannedFile]
                    do { scanned = try await PacketScanner.scan(paths: files, rules: rules) } catch {
                        throw ProductError(product: name, "cannot scan L0: \(error)")
                    }
                    let decoder: Decoder
                    do { decoder = try Decoder(definitions: definitions, options: DecodeOptions(calibrated: false, labels: false, headerColumns: true)) }
                    catch { throw ProductError(product: name, "cannot compile definitions \(instrument.definitionFile ?? ""): \(error)") }
                    let result: DecodeResult
                    do { result = try await decoder.decode(scanned, apids: Set(instrument.apids)) } catch {
                        throw ProductError(product: name, "cannot decode L0: \(error)")
                    }
                    var data = Level0Data()
                    for container in result.containers where container.records > 0 {
                        data.byContainer[container.name] = container.dataset
                        if let apid = container.apid, data.byAPID[UInt16(apid)] == nil { data.byAPID[UInt16(apid)] = container.dataset }
                    }
                    let elapsed = ContinuousClock.now - start
                    progress?(.decoded(instrument: name, packets: result.decodedPackets,
                                       bytes: scanned.reduce(0) { $0 + $1.index.fileSize }, seconds: elapsed.seconds))
                    return (name, data)
                }
            }
            var out: [String: Level0Data] = [:]
            for try await (name, data) in group { out[name] = data }
            return out
        }
    }

    // MARK: one product

    /// Resolves a recipe's inputs and runs its steps. Its own function so that the inputs are released
    /// when it returns, before the product is written; the first input is not kept in the steps'
    /// context either (see `AlgorithmContext.inputs`), so it is freed as soon as a step has replaced it.
    private func compute(
        _ recipe: ProductRecipe, day: MissionDay, inputs handedOver: RecipeInputs,
        products: Set<ProductID>, upstream: @Sendable (ProductID, MissionDay) -> String?
    ) throws -> Dataset {
        let product = recipe.id.description
        // Taken here, into locals this function empties: a value passed in would stay alive in the
        // caller until the call returned.
        var (level0, made) = handedOver.take()
        var inputs: [String: Dataset] = [:]
        var primary: Dataset? = nil
        for (position, input) in recipe.inputs.enumerated() {
            var dataset: Dataset? = nil
            switch input.source {
            case .level0(let instrument, let selector):
                switch selector {
                case .container(let name): dataset = level0[instrument]?.byContainer[name]
                case .apid(let apid): dataset = level0[instrument]?.byAPID[apid]
                }
            case .product(let id):
                var days: [Dataset] = []
                let own = input.days.contains(0) ? 0 : input.days.upperBound
                var ownPresent = false
                for offset in input.days {
                    var d: Dataset? = nil
                    if offset == 0, products.contains(id), id != recipe.id {
                        d = made[id]
                    } else if let path = upstream(id, day.adding(days: offset)) {
                        d = try Self.readUpstream(path, product: product)
                    }
                    if let d {
                        days.append(d)
                        if !(position == 0 && offset == 0) { inputs["\(input.name)[\(offset)]"] = d }
                        if offset == own { ownPresent = true }
                    }
                }
                if !days.isEmpty && (ownPresent || !input.required) { dataset = try DatasetWindow.concatenate(days, product: product) }
            }
            guard let dataset else {
                if input.required {
                    throw ProductError(product: product, "required input '\(input.name)' is not available for \(day)")
                }
                continue
            }
            if position == 0 { primary = dataset } else { inputs[input.name] = dataset }
        }
        level0 = [:]
        made = [:]
        guard var current = primary else { throw ProductError(product: product, "its first input is not available for \(day)") }
        primary = nil
        let context = AlgorithmContext(product: product, day: day, clock: mission.clock, inputs: inputs, missionDirectory: mission.directory)
        inputs = [:]
        for step in recipe.steps {
            do { current = try step.algorithm.apply(current, context: context) } catch {
                throw ProductError(product: product, "step '\(step.name)' (\(step.location)): \(error.message)")
            }
        }
        return current
    }


    private func makeOne(
        _ recipe: ProductRecipe, day: MissionDay, inputs handedOver: RecipeInputs, products: Set<ProductID>,
        upstream: @Sendable (ProductID, MissionDay) -> String?, version: Int, formats: [ProductFormat], staging: String, folder: String,
        progress: (@Sendable (ProcessProgress) -> Void)?
    ) async throws -> (ProductID, Dataset, MadeProduct) {
        let start = ContinuousClock.now
        let product = recipe.id.description
        let current = try compute(recipe, day: day, inputs: handedOver, products: products, upstream: upstream)
        let final = try ISTPMetadata(mission: mission, recipe: recipe).apply(to: current, day: day, version: version)
        let writer = ProductFileWriter(compression: mission.compression)
        // The formats are written concurrently (each writer on its own Dispatch thread).
        let names = formats.map { mission.naming.fileName(mission: mission.name, product: recipe.id, day: day, version: version, format: $0) }
        let level = recipe.id.level
        let bytes = try await withThrowingTaskGroup(of: Int.self) { group in
            for (format, name) in zip(formats, names) {
                group.addTask { try await writer.write(final, level: level, format: format, to: staging + "/" + name, product: product) }
            }
            var total = 0
            for try await b in group { total += b }
            return total
        }
        let paths = names.map { folder + "/" + $0 }
        let records = final.variables.first { $0.column.isRecordVarying }?.column.records ?? 0
        let result = MadeProduct(id: recipe.id, day: day, version: version, paths: paths, records: records, bytes: bytes)
        progress?(.made(result, seconds: (ContinuousClock.now - start).seconds))
        return (recipe.id, current, result)
    }

    /// One recipe's input datasets, handed to the task that makes it and emptied by that task when it
    /// takes them, so that once the engine has let go of a dataset nothing but the recipe's steps keep it.
    final class RecipeInputs: Sendable {
        private let content: Mutex<(level0: [String: Level0Data], made: [ProductID: Dataset])?>

        init(level0: [String: Level0Data], made: [ProductID: Dataset]) { content = Mutex((level0, made)) }

        /// The datasets; a second call gets none.
        func take() -> (level0: [String: Level0Data], made: [ProductID: Dataset]) {
            content.withLock { c in
                defer { c = nil }
                return c ?? ([:], [:])
            }
        }
    }

    /// An upstream product from its CDF, without the metadata this engine adds (attributes and the
    /// label variables), so that it chains exactly like a product made in the same call.
    static func readUpstream(_ path: String, product: String) throws(ProductError) -> Dataset {
        let read: Dataset
        do { read = try CDFReader(path: path).dataset() } catch {
            throw ProductError(product: product, "cannot read upstream product \(path): \(error)")
        }
        var out = Dataset()
        for v in read.variables {
            if case .text(let t)? = v.attributes["VAR_TYPE"], t.first == "metadata", !v.column.isRecordVarying { continue }
            do { try out.add(Variable(v.name, v.column, dimensions: v.dimensionNames)) } catch {
                throw ProductError(product: product, "upstream product \(path): \(error)")
            }
        }
        return out
    }
}

/// What `make` reports as it goes (for a progress display).
public enum ProcessProgress: Sendable {
    case decoded(instrument: String, packets: Int, bytes: Int, seconds: Double)
    case made(MadeProduct, seconds: Double)
    /// Not made, and why (with `skipProductsWithoutPackets`).
    case skipped(ProductID, reason: String)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
