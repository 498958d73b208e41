fn main() -> std::process::ExitCode {
    berth::app::main()
}
