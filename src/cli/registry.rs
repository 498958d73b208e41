//! `login` and `logout`: credentials in the docker config format.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Args;

use super::error::{CliError, CliResult};
use super::image::runtime;
use crate::registry::{auth, client};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Password or token
    #[arg(short, long)]
    pub password: Option<String>,
    /// Take the password from stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Username
    #[arg(short, long)]
    pub username: Option<String>,
    /// Require HTTPS and verify certificates
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub tls_verify: Option<bool>,
    /// Registry server (default docker.io)
    pub server: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Registry server (default docker.io)
    pub server: Option<String>,
}

/// docker accepts `https://host/...` and `index.docker.io` for the same registry.
fn normalise_server(s: Option<&str>) -> String {
    let s = s.unwrap_or("docker.io");
    let s = s
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = s.split('/').next().unwrap_or(s);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "" => "docker.io".to_string(),
        h => h.to_string(),
    }
}

fn prompt(label: &str) -> CliResult<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::msg(format!(
            "cannot prompt for the {label}: stdin is not a terminal; use --username and --password-stdin"
        )));
    }
    eprint!("{label}: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn login(settings: &Settings, args: &LoginArgs) -> CliResult {
    let server = normalise_server(args.server.as_deref());
    if args.password.is_some() && args.password_stdin {
        return Err(CliError::msg(
            "--password and --password-stdin are mutually exclusive",
        ));
    }
    let username = match &args.username {
        Some(u) => u.clone(),
        None => prompt("Username")?,
    };
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else if let Some(p) = &args.password {
        eprintln!("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        p.clone()
    } else {
        prompt("Password")?
    };
    if username.is_empty() || password.is_empty() {
        return Err(CliError::msg("username and password are required"));
    }
    let opts = client::RegistryOptions {
        tls_verify: args.tls_verify.unwrap_or(true),
        ..settings.registry_options()
    };
    let rt = runtime()?;
    rt.block_on(client::check_login(&server, &username, &password, &opts))
        .map_err(CliError::from)?;
    auth::store(&server, &username, &password)?;
    println!("Login Succeeded");
    Ok(ExitCode::SUCCESS)
}

pub fn logout(args: &LogoutArgs) -> CliResult {
    let server = normalise_server(args.server.as_deref());
    if auth::erase(&server)? {
        println!("Removing login credentials for {server}");
    } else {
        println!("Not logged in to {server}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::normalise_server;

    #[test]
    fn servers_normalise_like_docker() {
        assert_eq!(normalise_server(None), "docker.io");
        assert_eq!(
            normalise_server(Some("https://index.docker.io/v1/")),
            "docker.io"
        );
        assert_eq!(normalise_server(Some("127.0.0.1:5000")), "127.0.0.1:5000");
        assert_eq!(
            normalise_server(Some("http://localhost:5000/v2/")),
            "localhost:5000"
        );
    }
}
