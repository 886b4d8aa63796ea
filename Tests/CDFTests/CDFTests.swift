import Testing
@testable import CDF
