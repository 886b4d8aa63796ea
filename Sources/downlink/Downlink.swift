import ArgumentParser

@main
struct Downlink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "downlink",
        abstract: "Turn Level-0 CCSDS telemetry into science data products.",
        subcommands: [InspectCommand.self, SplitCommand.self, DecodeCommand.self, DumpCommand.self, SynthCommand.self, ProcessCommand.self,
                      ReprocessCommand.self, WatchCommand.self, StatusCommand.self]
    )
}
