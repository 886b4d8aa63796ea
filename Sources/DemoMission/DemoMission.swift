/// The embedded demo mission's L0 generator (see testdata/missions/demo).
public enum DemoMission {}
