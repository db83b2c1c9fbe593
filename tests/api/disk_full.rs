//! The blob folder's disk fills up during an upload (#15): the upload answers 507 with a
//! sentence, nothing half-written stays on the disk or in the database, and the next file that
//! fits is taken. The folder is a real 1 MiB tmpfs the test mounts (the suite runs as root, as
//! in CI; without the right to mount the test says so and fails).

use crate::documents::{Team, form, pdf, team_on, upload, uploaded_id};
use crate::helpers::{Backend, assert_problem, spawn_app_with};
use crate::upload_rules::assert_nothing_kept;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
    _parent: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let parent = tempfile::tempdir().unwrap();
        let path = parent.path().join("blobs");
        std::fs::create_dir(&path).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .status()
            .expect("run mount");
        assert!(
            mounted.success(),
            "mounting a {size} tmpfs needs root (scripts/test in CI runs as root)"
        );
        Self {
            path,
            _parent: parent,
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// Every file under `dir`, whatever its name (finished blobs and temporary files alike).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn a_full_disk_answers_507_and_keeps_nothing_half_written() {
    let disk = SmallDisk::mount("1m");
    let settings = format!(
        "[blobs]\nlocal_dir = \"{}\"\n[documents]\norphan_grace_minutes = 0\n",
        disk.path.display()
    );
    let team: Team = team_on(spawn_app_with(Backend::Sqlite, &settings).await).await;

    let refused = upload(
        &team,
        &team.professional,
        form(pdf(3 * 1024 * 1024), "stor.pdf", "Stor plan"),
    )
    .await;
    let body = assert_problem(refused, 507).await;
    assert_eq!(body["type"], "urn:vejviser:problem:storage-full");
    assert!(
        body["detail_da"]
            .as_str()
            .is_some_and(|t| t.contains("ikke plads")),
        "{body}"
    );
    assert_nothing_kept(&team, 0).await;
    // Nor a temporary file: the disk is as empty as before.
    assert_eq!(files_under(&disk.path), Vec::<PathBuf>::new());

    // The space the refused file took is free again: a file that fits is taken.
    uploaded_id(
        &team,
        &team.professional,
        form(pdf(100 * 1024), "lille.pdf", "Lille plan"),
    )
    .await;
    assert_eq!(files_under(&disk.path).len(), 1);
}
