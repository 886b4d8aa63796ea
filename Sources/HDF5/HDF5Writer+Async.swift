import Dataset
import Dispatch

extension HDF5Writer {
    /// The same write, for async callers: runs on a Dispatch thread so that libhdf5's blocking calls
    /// and the compression threads never occupy the cooperative pool's threads.
    @discardableResult
    public func write(_ dataset: Dataset, to path: String) async throws(HDF5Error) -> HDF5WriteReport {
        let result: Result<HDF5WriteReport, HDF5Error> = await withCheckedContinuation { k in
            DispatchQueue.global(qos: .userInitiated).async {
                k.resume(returning: Result { () throws(HDF5Error) in try self.write(dataset, to: path) as HDF5WriteReport })
            }
        }
        return try result.get()
    }
}
