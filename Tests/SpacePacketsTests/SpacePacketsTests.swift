import Testing
@testable import SpacePackets
