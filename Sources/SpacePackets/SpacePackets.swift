// SpacePackets: see ARCHITECTURE.md
