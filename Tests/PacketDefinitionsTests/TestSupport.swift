// Shared helpers for the PacketDefinitions tests: locating fixtures and reference data.

import Testing
@testable import PacketDefinitions

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum TestPaths {
    /// Repository root, derived from this file's location.
    static let repoRoot: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3) // Tests/PacketDefinitionsTests/TestSupport.swift
        return parts.joined(separator: "/")
    }()

    /// Hand-written fixtures in testdata/definitions.
    static func fixture(_ name: String) -> String { "\(repoRoot)/testdata/definitions/\(name)" }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The real IMAP reference folder: $DOWNLINK_IMAP_REFERENCE, or ../shared/reference/imap
    /// beside the checkout (where CI and the development machines have it).
    static let imapReference: String? = {
        var candidates: [String] = []
        if let env = getenv("DOWNLINK_IMAP_REFERENCE") { candidates.append(String(cString: env)) }
        candidates.append("\(repoRoot)/../shared/reference/imap")
        return candidates.first { exists("\($0)/README.md") || exists("\($0)/swapi") }
    }()

    /// CCSDSPy's test data, fetched by tools/fetch-reference-data when missing (from PyPI).
    static let ccsdspyReference: String? = {
        let p = "\(repoRoot)/reference-data/ccsdspy"
        if !exists("\(p)/.complete") { _ = system("'\(repoRoot)/tools/fetch-reference-data' >&2") }
        return exists("\(p)/.complete") ? p : nil
    }()

    static var isCI: Bool { getenv("CI").map { String(cString: $0) } == "true" }
}

/// Loads an XTCE fixture, failing the test with the error's description.
func loadFixture(_ name: String) throws -> DefinitionSet {
    try XTCELoader.load(contentsOf: TestPaths.fixture(name))
}

/// The error a load throws, or nil if it loads.
func loadError(xml: String, file: String = "test.xml") -> DefinitionError? {
    do {
        _ = try XTCELoader.load(xml: xml, file: file)
        return nil
    } catch {
        return error
    }
}

/// Wraps a telemetry-metadata body in an XTCE 1.2 SpaceSystem with a small CCSDS header.
func xtceDocument(_ body: String, namespace: String = "http://www.omg.org/spec/XTCE/20180204") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <xtce:SpaceSystem xmlns:xtce="\(namespace)" name="TEST">
    \(body)
    </xtce:SpaceSystem>
    """
}
