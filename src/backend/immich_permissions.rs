//! Immich's `Permission` enum by server version (contracts-immich.md, "Permission enum").
//!
//! The 3.1 list is the saved spec's `components.schemas.Permission.enum`; older lines are
//! derived from it by the changes the contract lists per release, so completion and local
//! validation offer exactly what the connected server accepts.

const V3_1: &[&str] = &[
    "all",
    "activity.create",
    "activity.read",
    "activity.update",
    "activity.delete",
    "activity.statistics",
    "apiKey.create",
    "apiKey.read",
    "apiKey.update",
    "apiKey.delete",
    "asset.read",
    "asset.update",
    "asset.delete",
    "asset.statistics",
    "asset.share",
    "asset.view",
    "asset.download",
    "asset.upload",
    "asset.copy",
    "asset.derive",
    "asset.edit.get",
    "asset.edit.create",
    "asset.edit.delete",
    "album.create",
    "album.read",
    "album.update",
    "album.delete",
    "album.statistics",
    "album.share",
    "album.download",
    "albumAsset.create",
    "albumAsset.delete",
    "albumUser.create",
    "albumUser.update",
    "albumUser.delete",
    "auth.changePassword",
    "authDevice.delete",
    "archive.read",
    "backup.list",
    "backup.download",
    "backup.upload",
    "backup.delete",
    "duplicate.read",
    "duplicate.delete",
    "face.create",
    "face.read",
    "face.update",
    "face.delete",
    "folder.read",
    "job.create",
    "job.read",
    "library.create",
    "library.read",
    "library.update",
    "library.delete",
    "library.statistics",
    "timeline.read",
    "timeline.download",
    "maintenance",
    "map.read",
    "map.search",
    "memory.create",
    "memory.read",
    "memory.update",
    "memory.delete",
    "memory.statistics",
    "memoryAsset.create",
    "memoryAsset.delete",
    "notification.create",
    "notification.read",
    "notification.update",
    "notification.delete",
    "partner.create",
    "partner.read",
    "partner.update",
    "partner.delete",
    "person.create",
    "person.read",
    "person.update",
    "person.delete",
    "person.statistics",
    "person.merge",
    "person.reassign",
    "pinCode.create",
    "pinCode.update",
    "pinCode.delete",
    "plugin.create",
    "plugin.read",
    "plugin.update",
    "plugin.delete",
    "server.about",
    "server.apkLinks",
    "server.storage",
    "server.statistics",
    "server.versionCheck",
    "serverLicense.read",
    "serverLicense.update",
    "serverLicense.delete",
    "session.create",
    "session.read",
    "session.update",
    "session.delete",
    "session.lock",
    "sharedLink.create",
    "sharedLink.read",
    "sharedLink.update",
    "sharedLink.delete",
    "stack.create",
    "stack.read",
    "stack.update",
    "stack.delete",
    "sync.stream",
    "syncCheckpoint.read",
    "syncCheckpoint.update",
    "syncCheckpoint.delete",
    "systemConfig.read",
    "systemConfig.update",
    "systemMetadata.read",
    "systemMetadata.update",
    "tag.create",
    "tag.read",
    "tag.update",
    "tag.delete",
    "tag.asset",
    "user.read",
    "user.update",
    "userLicense.create",
    "userLicense.read",
    "userLicense.update",
    "userLicense.delete",
    "userOnboarding.read",
    "userOnboarding.update",
    "userOnboarding.delete",
    "userPreference.read",
    "userPreference.update",
    "userProfileImage.create",
    "userProfileImage.read",
    "userProfileImage.update",
    "userProfileImage.delete",
    "queue.read",
    "queue.update",
    "queueJob.create",
    "queueJob.read",
    "queueJob.update",
    "queueJob.delete",
    "workflow.create",
    "workflow.read",
    "workflow.update",
    "workflow.delete",
    "adminUser.create",
    "adminUser.read",
    "adminUser.update",
    "adminUser.delete",
    "adminSession.read",
    "adminAuth.unlinkAll",
];
const V1_113: &[&str] = &[
    "all",
    "activity.create",
    "activity.read",
    "activity.update",
    "activity.delete",
    "activity.statistics",
    "apiKey.create",
    "apiKey.read",
    "apiKey.update",
    "apiKey.delete",
    "asset.read",
    "asset.update",
    "asset.delete",
    "asset.share",
    "asset.view",
    "asset.download",
    "asset.upload",
    "album.create",
    "album.read",
    "album.update",
    "album.delete",
    "album.statistics",
    "album.addAsset",
    "album.removeAsset",
    "album.share",
    "album.download",
    "authDevice.delete",
    "archive.read",
    "face.create",
    "face.read",
    "face.update",
    "face.delete",
    "library.create",
    "library.read",
    "library.update",
    "library.delete",
    "library.statistics",
    "timeline.read",
    "timeline.download",
    "memory.create",
    "memory.read",
    "memory.update",
    "memory.delete",
    "partner.create",
    "partner.read",
    "partner.update",
    "partner.delete",
    "person.create",
    "person.read",
    "person.update",
    "person.delete",
    "person.statistics",
    "person.merge",
    "person.reassign",
    "session.read",
    "session.update",
    "session.delete",
    "sharedLink.create",
    "sharedLink.read",
    "sharedLink.update",
    "sharedLink.delete",
    "stack.create",
    "stack.read",
    "stack.update",
    "stack.delete",
    "systemConfig.read",
    "systemConfig.update",
    "systemMetadata.read",
    "systemMetadata.update",
    "tag.create",
    "tag.read",
    "tag.update",
    "tag.delete",
    "tag.asset",
    "admin.user.create",
    "admin.user.read",
    "admin.user.update",
    "admin.user.delete",
];
const ADDED_1_135: &[&str] = &[
    "notification.create",
    "notification.read",
    "notification.update",
    "notification.delete",
    "session.create",
    "session.lock",
];

/// Removed going back from 2.5 to 2.4 (added in 2.5.0).
const ADDED_2_5: &[&str] = &[
    "asset.derive",
    "asset.edit.get",
    "asset.edit.create",
    "asset.edit.delete",
    "backup.list",
    "backup.download",
    "backup.upload",
    "backup.delete",
    "folder.read",
    "map.read",
    "map.search",
];
const ADDED_2_4: &[&str] = &[
    "queue.read",
    "queue.update",
    "queueJob.create",
    "queueJob.read",
    "queueJob.update",
    "queueJob.delete",
];
const ADDED_2_3: &[&str] = &[
    "maintenance",
    "plugin.create",
    "plugin.read",
    "plugin.update",
    "plugin.delete",
    "workflow.create",
    "workflow.read",
    "workflow.update",
    "workflow.delete",
];
const ADDED_2_2: &[&str] = &["adminSession.read", "asset.copy"];
const ADDED_1_138: &[&str] = &["adminAuth.unlinkAll", "server.versionCheck"];

/// The permissions a server of version `(major, minor)` accepts; empty before 1.113 (keys had
/// no permissions then).
pub fn for_version(major: u64, minor: u64) -> Vec<&'static str> {
    let v = (major, minor);
    if v < (1, 113) {
        return Vec::new();
    }
    if v < (1, 137) {
        let mut list = V1_113.to_vec();
        if v >= (1, 135) {
            list.extend_from_slice(ADDED_1_135);
        }
        return list;
    }
    let mut list = V3_1.to_vec();
    if v < (3, 0) {
        // 3.0.0 removed asset.replace.
        let at = list
            .iter()
            .position(|p| *p == "asset.upload")
            .map_or(0, |i| i + 1);
        list.insert(at, "asset.replace");
    }
    let removals: [(&[&str], (u64, u64)); 5] = [
        (ADDED_2_5, (2, 5)),
        (ADDED_2_4, (2, 4)),
        (ADDED_2_3, (2, 3)),
        (ADDED_2_2, (2, 2)),
        (ADDED_1_138, (1, 138)),
    ];
    for (added, since) in removals {
        if v < since {
            list.retain(|p| !added.contains(p));
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::for_version;

    #[test]
    fn counts_match_the_contract() {
        assert_eq!(for_version(1, 105).len(), 0);
        assert_eq!(for_version(1, 113).len(), 78);
        assert_eq!(for_version(1, 135).len(), 84);
        assert_eq!(for_version(1, 137).len(), 126);
        assert_eq!(for_version(1, 138).len(), 128);
        assert_eq!(for_version(2, 1).len(), 128);
        assert_eq!(for_version(2, 7).len(), 156);
        assert_eq!(for_version(3, 1).len(), 155);
        assert!(for_version(1, 135).contains(&"album.addAsset"));
        assert!(!for_version(1, 137).contains(&"album.addAsset"));
        assert!(for_version(2, 7).contains(&"asset.replace"));
        assert!(!for_version(3, 0).contains(&"asset.replace"));
    }
}
