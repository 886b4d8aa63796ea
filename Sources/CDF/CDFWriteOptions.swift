import Dataset

/// How a CDF variable's values are compressed. Costs nothing (a tag); gzip costs CPU at write time.
public enum CDFCompression: Sendable, Equatable {
    case none
    /// Per-block gzip (CDF method 5) at level 1-9; blocks that do not shrink are stored raw.
    case gzip(level: Int)
}

/// What readers see for records a sparse variable does not store. Costs nothing (a tag).
public enum CDFSparseRecords: Int32, Sendable {
    case none = 0
    /// Missing records read as the pad value.
    case padMissing = 1
    /// Missing records read as the previous stored record.
    case previousMissing = 2
}

/// How a `UInt64` column (CDF has no unsigned 64-bit type) is written. There is no default: the
/// writer refuses a UInt64 column without one. `.int8Checked` costs one scan of the column.
public enum CDFUInt64Mapping: Sendable, Equatable {
    /// Stored as CDF_INT8 bit for bit; a value above Int64.max is an error, not a wrap.
    case int8Checked
}

/// Per-variable CDF choices beyond what the `Dataset` says.
///
/// Costs nothing; all fields are optional overrides.
public struct CDFVariableOptions: Sendable {
    /// Writes the column as this CDF type instead of the default mapping. Allowed: int8 -> BYTE,
    /// float32 -> FLOAT, float64 -> DOUBLE or EPOCH, float64 with a last per-record dimension of 2 ->
    /// EPOCH16 (that dimension becomes the two doubles of each value), int64 -> TIME_TT2000,
    /// string -> UCHAR.
    public var dataType: CDFDataType?
    /// Overrides the file-wide compression for this variable (epoch types are never compressed).
    public var compression: CDFCompression?
    /// The pad value, in the variable's own type (one element).
    public var padValue: AttributeValue?
    public var sparseRecords: CDFSparseRecords
    /// For a sparse variable: the CDF record number of each column record, strictly increasing.
    /// Records not listed are virtual (pad or previous).
    public var recordNumbers: [Int]?
    public var uint64: CDFUInt64Mapping?
    /// Records per compressed block (default: about 1 MiB of raw data per block).
    public var blockRecords: Int?

    public init(
        dataType: CDFDataType? = nil, compression: CDFCompression? = nil, padValue: AttributeValue? = nil,
        sparseRecords: CDFSparseRecords = .none, recordNumbers: [Int]? = nil, uint64: CDFUInt64Mapping? = nil,
        blockRecords: Int? = nil
    ) {
        self.dataType = dataType
        self.compression = compression
        self.padValue = padValue
        self.sparseRecords = sparseRecords
        self.recordNumbers = recordNumbers
        self.uint64 = uint64
        self.blockRecords = blockRecords
    }
}

/// What the writer does with ISTP findings. Checking costs a pass over the metadata, never the data.
public enum ISTPPolicy: Sendable {
    case off
    /// Findings are returned in `CDFWriteReport.istpIssues`; the file is written.
    case warn
    /// Any finding fails the write with `CDFError.istp` before anything is written.
    case error
}

/// File-wide CDF writing choices.
///
/// Costs nothing.
public struct CDFWriteOptions: Sendable {
    /// Compression of every variable that does not override it (epoch types excepted).
    public var compression: CDFCompression
    /// Appends an MD5 of the file that the NASA library verifies on open.
    public var md5: Bool
    public var istp: ISTPPolicy
    public var variables: [String: CDFVariableOptions]
    /// Leap-second table whose last entry gives GDR LeapSecondLastUpdated.
    public var leapSeconds: LeapSecondTable
    /// Most blocks compressed at once (default: active processors).
    public var maxConcurrency: Int

    public init(
        compression: CDFCompression = .none, md5: Bool = false, istp: ISTPPolicy = .off,
        variables: [String: CDFVariableOptions] = [:], leapSeconds: LeapSecondTable = .builtin,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.compression = compression
        self.md5 = md5
        self.istp = istp
        self.variables = variables
        self.leapSeconds = leapSeconds
        self.maxConcurrency = maxConcurrency
    }
}

/// What a write produced. Costs nothing.
public struct CDFWriteReport: Sendable {
    public let path: String
    public let bytes: Int
    /// ISTP findings under `ISTPPolicy.warn` (empty otherwise).
    public let istpIssues: [ISTPIssue]
    /// Hex MD5 appended to the file, if requested.
    public let md5: String?
}

import Foundation
