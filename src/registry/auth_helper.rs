//! The docker credential-helper protocol: `docker-credential-<name> get|store|erase`,
//! the server URL or a JSON record on stdin, a JSON record on stdout.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::{AuthError, Credential};

/// What every helper prints (docker-credential-helpers' `ErrCredentialsNotFound`)
/// when it has nothing for the server: "none", not a failure.
const NOT_FOUND_MESSAGE: &str = "credentials not found in native keychain";
/// A helper username meaning "the secret is an identity (refresh) token".
const TOKEN_USERNAME: &str = "<token>";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetResponse {
    #[serde(default)]
    username: String,
    #[serde(default)]
    secret: String,
}

#[derive(Serialize)]
struct StoreRequest<'a> {
    #[serde(rename = "ServerURL")]
    server_url: &'a str,
    #[serde(rename = "Username")]
    username: &'a str,
    #[serde(rename = "Secret")]
    secret: &'a str,
}

/// One helper, found either on `PATH` or, in tests, in an explicit directory.
pub(crate) struct Helper<'a> {
    pub(crate) name: &'a str,
    pub(crate) dir: Option<&'a Path>,
}

enum Outcome {
    Done(Vec<u8>),
    NotFound,
}

impl Helper<'_> {
    fn program(&self) -> PathBuf {
        let file = format!("docker-credential-{}", self.name);
        match self.dir {
            Some(dir) => dir.join(file),
            None => PathBuf::from(file),
        }
    }

    /// `get`: `Ok(None)` when the helper has no credentials for `server`.
    pub(crate) fn get(&self, server: &str) -> Result<Option<Credential>, AuthError> {
        let out = match self.run("get", server, server.as_bytes())? {
            Outcome::Done(out) => out,
            Outcome::NotFound => return Ok(None),
        };
        let resp: GetResponse =
            serde_json::from_slice(&out).map_err(|e| self.failed("get", server, e.to_string()))?;
        if resp.username.is_empty() && resp.secret.is_empty() {
            return Ok(None);
        }
        Ok(Some(if resp.username == TOKEN_USERNAME {
            Credential::IdentityToken(resp.secret)
        } else {
            Credential::Basic {
                username: resp.username,
                password: resp.secret,
            }
        }))
    }

    pub(crate) fn store(
        &self,
        server: &str,
        username: &str,
        secret: &str,
    ) -> Result<(), AuthError> {
        let req = StoreRequest {
            server_url: server,
            username,
            secret,
        };
        let body =
            serde_json::to_vec(&req).map_err(|e| self.failed("store", server, e.to_string()))?;
        match self.run("store", server, &body)? {
            Outcome::Done(_) => Ok(()),
            Outcome::NotFound => Err(self.failed("store", server, NOT_FOUND_MESSAGE.to_owned())),
        }
    }

    /// `erase`: `Ok(false)` when the helper had nothing stored for `server`.
    pub(crate) fn erase(&self, server: &str) -> Result<bool, AuthError> {
        match self.run("erase", server, server.as_bytes())? {
            Outcome::Done(_) => Ok(true),
            Outcome::NotFound => Ok(false),
        }
    }

    fn run(&self, action: &'static str, server: &str, input: &[u8]) -> Result<Outcome, AuthError> {
        let program = self.program();
        let mut child = Command::new(&program)
            .arg(action)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => AuthError::HelperNotFound {
                    helper: program.display().to_string(),
                },
                _ => self.failed(action, server, e.to_string()),
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper may exit without reading its input; its status tells us more
            // than the broken pipe would.
            match stdin.write_all(input) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(self.failed(action, server, e.to_string()));
                }
                _ => {}
            }
        }
        let out = child
            .wait_with_output()
            .map_err(|e| self.failed(action, server, e.to_string()))?;
        if out.status.success() {
            return Ok(Outcome::Done(out.stdout));
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stdout = stdout.trim();
        if stdout == NOT_FOUND_MESSAGE {
            return Ok(Outcome::NotFound);
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let message = [stdout, stderr.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let message = if message.is_empty() {
            out.status.to_string()
        } else {
            message
        };
        Err(self.failed(action, server, message))
    }

    fn failed(&self, action: &'static str, server: &str, message: String) -> AuthError {
        AuthError::HelperFailed {
            helper: format!("docker-credential-{}", self.name),
            action,
            server: server.to_owned(),
            message,
        }
    }
}
