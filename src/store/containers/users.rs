//! Which images and volumes containers use, for `rmi`, `image prune`,
//! `volume rm` and `volume prune`.
//!
//! The lock order is containers → images, and `remove_image` holds the
//! images write lock while it asks whether a container uses the image, so
//! the question cannot read the containers index then (that would take the
//! locks in the wrong order, and deadlock against `create`). Instead the
//! answer is gathered first, under the containers shared lock, and that lock
//! is held until the image is gone: no container can be created on the
//! image in between (`create` commits under the containers write lock and
//! checks there that its image still exists).

use std::collections::{BTreeMap, HashMap};

use super::ContainersFile;
use crate::store::digest::Digest;
use crate::store::error::{IoContext, Result};
use crate::store::images::{ImageQuery, ImageUsers, RemoveAction};
use crate::store::lock::ReadGuard;
use crate::store::records;
use crate::store::Store;

/// The images containers use, valid while this value lives: it holds the
/// containers shared lock.
#[derive(Debug)]
pub struct ContainerUsers {
    _guard: ReadGuard,
    /// Image id → the id of one container using it (the first created).
    by_image: HashMap<Digest, String>,
}

impl ImageUsers for ContainerUsers {
    fn container_using(&self, image: &Digest) -> Option<String> {
        self.by_image.get(image).cloned()
    }
}

impl Store {
    /// Takes the containers shared lock and records which images are in use.
    /// Take it before any images lock, and drop it after.
    pub fn container_users(&self) -> Result<ContainerUsers> {
        let guard = self
            .containers_lock
            .read()
            .ctx("lock", self.containers_lock.path())?;
        let file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        let mut by_image = HashMap::new();
        for e in file.containers {
            if let Some(image) = e.image_id {
                by_image.entry(image).or_insert(e.id);
            }
        }
        Ok(ContainerUsers {
            _guard: guard,
            by_image,
        })
    }

    /// `docker rmi`: `remove_image`, refusing images containers use.
    pub fn remove_image_checked(&self, q: &ImageQuery, force: bool) -> Result<Vec<RemoveAction>> {
        let users = self.container_users()?;
        self.remove_image(q, force, &users)
    }

    /// `docker image prune`: `prune_images`, keeping images containers use.
    pub fn prune_images_checked(&self, all: bool) -> Result<Vec<RemoveAction>> {
        self.prune_images_keeping(all, &[])
    }

    /// `prune_images_checked`, also keeping the images listed in `keep`
    /// (e.g. mounted with `image mount`), as if a container used them.
    pub fn prune_images_keeping(&self, all: bool, keep: &[Digest]) -> Result<Vec<RemoveAction>> {
        let mut users = self.container_users()?;
        for id in keep {
            users
                .by_image
                .entry(id.clone())
                .or_insert_with(|| "an image mount".to_string());
        }
        self.prune_images(all, &users)
    }
}

impl Store {
    /// Takes the containers shared lock (to hold while changing volumes:
    /// containers → volumes) and maps each volume name to the ids of the
    /// containers that mount it.
    pub(in crate::store) fn volume_users(
        &self,
    ) -> Result<(ReadGuard, BTreeMap<String, Vec<String>>)> {
        let guard = self
            .containers_lock
            .read()
            .ctx("lock", self.containers_lock.path())?;
        let file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in file.containers {
            for m in e.mounts {
                users.entry(m).or_default().push(e.id.clone());
            }
        }
        Ok((guard, users))
    }
}
