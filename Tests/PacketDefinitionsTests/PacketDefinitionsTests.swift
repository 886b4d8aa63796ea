import Testing
@testable import PacketDefinitions
