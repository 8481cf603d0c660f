//! `cors-audit`: audits a live server's CORS from outside, as each listed origin and as an
//! attacker, through `cors-browser`'s model of the browser.
//!
//! ```text
//! cors-audit https://staging.example/items --origin https://app.example.com --credentials
//! ```
//!
//! Modules, in the order a run goes through them: [`args`] (the command line), [`probes`] (the
//! origins an attacker would try), [`audit`] (the requests and what they show), [`finding`]
//! (severities, kinds, evidence) and [`report`] (the table and the JSON).

mod args;
mod audit;
mod finding;
mod probes;
mod report;

use std::io::IsTerminal as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(args::Parsed::Audit(args)) => args,
        Ok(args::Parsed::Help) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("cors-audit: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cors-audit: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    let progress = !args.json && std::io::stdout().is_terminal();
    let result = runtime.block_on(audit::audit(&args, progress));
    if progress {
        // Clears the progress line.
        print!("\r{:100}\r", "");
    }
    match result {
        Ok(report) => {
            if args.json {
                println!("{}", report::json(&args, &report));
            } else {
                print!("{}", report::table(&args, &report));
            }
            if report.findings.iter().any(|f| f.severity >= args.fail_on) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(stopped) => {
            eprintln!(
                "cors-audit: {} (after {} request(s) to {}, timeout {:?} each)",
                stopped.message,
                stopped.requests,
                args.url.authority(),
                args.timeout
            );
            ExitCode::from(2)
        }
    }
}
