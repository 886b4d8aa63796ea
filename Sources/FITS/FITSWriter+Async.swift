import Dataset
import Dispatch

extension FITSWriter {
    /// The same write, for async callers: runs on a Dispatch thread so that cfitsio's blocking I/O and
    /// the row-packing threads never occupy the cooperative pool's threads. cfitsio is reentrant with
    /// one file per call, so several products can be written concurrently.
    @discardableResult
    public func write(_ dataset: Dataset, to path: String) async throws(FITSError) -> FITSWriteReport {
        let result: Result<FITSWriteReport, FITSError> = await withCheckedContinuation { k in
            DispatchQueue.global(qos: .userInitiated).async {
                k.resume(returning: Result { () throws(FITSError) in try self.write(dataset, to: path) as FITSWriteReport })
            }
        }
        return try result.get()
    }
}
