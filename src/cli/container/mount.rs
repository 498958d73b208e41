//! `container mount` / `container unmount` (podman's): a stopped
//! container's root filesystem on the host, for tools that read it.

use super::args::MountArgs;
use super::lifecycle::for_each;
use crate::cli::error::{CliError, CliResult};
use crate::runtime::hostmount;
use crate::settings::Settings;

/// Prints the mount point of each container, as podman does.
pub fn mount(settings: &Settings, args: &MountArgs) -> CliResult {
    for_each(settings, &args.containers, |store, e, _| {
        hostmount::check_visible_mount(store, "berth container mount")?;
        let path = hostmount::mount_container(store, e).map_err(CliError::from)?;
        Ok(Some(path.display().to_string()))
    })
}

/// Prints each container as named, as podman does.
pub fn unmount(settings: &Settings, args: &MountArgs) -> CliResult {
    for_each(settings, &args.containers, |store, e, name| {
        hostmount::unmount_container(store, e).map_err(CliError::from)?;
        Ok(Some(name.to_string()))
    })
}
