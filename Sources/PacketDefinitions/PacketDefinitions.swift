// PacketDefinitions: see ARCHITECTURE.md
