import Dataset
import ProductOutput

/// Everything that can go wrong writing a FITS file; each case names the variable, keyword or path,
/// and cfitsio failures carry cfitsio's own status text and error-message stack. Costs nothing until
/// thrown.
public enum FITSError: Error, Sendable, CustomStringConvertible {
    /// A cfitsio call failed: the call, cfitsio's status code, its status text (ffgerr) and the
    /// messages it stacked (ffgmsg), oldest first.
    case cfitsio(call: String, status: Int32, text: String, messages: [String])
    /// cfitsio could not be loaded (it is opened on first use): not installed, or another version.
    case libraryUnavailable(String)
    case unsupportedElementType(variable: String, ElementType, reason: String)
    /// A variable, dimension or attribute name FITS cannot hold (non-ASCII, too long, ...).
    case invalidName(String, reason: String)
    case duplicateColumn(String)
    /// An attribute value a FITS keyword cannot hold (NaN or infinity, non-ASCII text).
    case unrepresentableValue(keyword: String, reason: String)
    case recordCountMismatch(variable: String, records: Int, table: Int)
    case invalidOption(String)
    case output(OutputError)

    public var description: String {
        switch self {
        case .cfitsio(let call, let status, let text, let messages):
            "FITS: \(call) failed with cfitsio status \(status) (\(text))"
                + (messages.isEmpty ? "" : ": " + messages.joined(separator: " / "))
        case .libraryUnavailable(let why): "FITS: cannot write FITS products: \(why)"
        case .unsupportedElementType(let v, let t, let r): "FITS: variable '\(v)' of type \(t): \(r)"
        case .invalidName(let n, let r): "FITS: name '\(n)' cannot be stored: \(r)"
        case .duplicateColumn(let n): "FITS: column name '\(n)' is used twice (FITS column names are case-insensitive)"
        case .unrepresentableValue(let k, let r): "FITS: keyword '\(k)': \(r)"
        case .recordCountMismatch(let v, let r, let t):
            "FITS: variable '\(v)' has \(r) records but the table has \(t) rows; write separate products"
        case .invalidOption(let r): "FITS: invalid option: \(r)"
        case .output(let e): "FITS: \(e)"
        }
    }
}
