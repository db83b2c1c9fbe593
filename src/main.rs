use clap::Parser;
use std::process::ExitCode;
use vejviser::cli::{self, Cli};
use vejviser::config::Settings;
use vejviser::telemetry;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.profile, cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("vejviser: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("vejviser: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("vejviser: {err:#}");
            ExitCode::FAILURE
        }
    }
}
