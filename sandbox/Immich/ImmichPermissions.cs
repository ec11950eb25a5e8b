namespace Sandbox.Immich;

/// <summary>
/// Immich's <c>Permission</c> enum per version line (contracts-immich.md "Permission enum").
/// Unknown names are a validation error (400) in every line, so a client sending a 3.x name to a
/// 1.x server, or an old name to a newer one, fails the way the real server does.
/// </summary>
public static class ImmichPermissions
{
    /// <summary>
    /// 1.135.0 (84 values): the 78 values of 1.113-1.134 plus notification.* and session.create/lock
    /// added in 1.135.0. Still the old names (album.addAsset, admin.user.*) renamed in 1.137.0.
    /// </summary>
    public static readonly string[] V1_135 =
    [
        "all", "activity.create", "activity.read", "activity.update", "activity.delete",
        "activity.statistics", "apiKey.create", "apiKey.read", "apiKey.update", "apiKey.delete",
        "asset.read", "asset.update", "asset.delete", "asset.share", "asset.view", "asset.download",
        "asset.upload", "album.create", "album.read", "album.update", "album.delete", "album.statistics",
        "album.addAsset", "album.removeAsset", "album.share", "album.download", "authDevice.delete",
        "archive.read", "face.create", "face.read", "face.update", "face.delete", "library.create",
        "library.read", "library.update", "library.delete", "library.statistics", "timeline.read",
        "timeline.download", "memory.create", "memory.read", "memory.update", "memory.delete",
        "notification.create", "notification.read", "notification.update", "notification.delete",
        "partner.create", "partner.read", "partner.update", "partner.delete", "person.create", "person.read",
        "person.update", "person.delete", "person.statistics", "person.merge", "person.reassign",
        "session.create", "session.read", "session.update", "session.delete", "session.lock",
        "sharedLink.create", "sharedLink.read", "sharedLink.update", "sharedLink.delete", "stack.create",
        "stack.read", "stack.update", "stack.delete", "systemConfig.read", "systemConfig.update",
        "systemMetadata.read", "systemMetadata.update", "tag.create", "tag.read", "tag.update", "tag.delete",
        "tag.asset", "admin.user.create", "admin.user.read", "admin.user.update", "admin.user.delete",
    ];

    /// <summary>2.7.5 (156 values): the 3.1.0 list plus asset.replace, which 3.0.0 removed.</summary>
    public static readonly string[] V2_7 =
    [
        "all", "activity.create", "activity.read", "activity.update", "activity.delete",
        "activity.statistics", "apiKey.create", "apiKey.read", "apiKey.update", "apiKey.delete",
        "asset.read", "asset.update", "asset.delete", "asset.statistics", "asset.share", "asset.view",
        "asset.download", "asset.upload", "asset.replace", "asset.copy", "asset.derive", "asset.edit.get",
        "asset.edit.create", "asset.edit.delete", "album.create", "album.read", "album.update",
        "album.delete", "album.statistics", "album.share", "album.download", "albumAsset.create",
        "albumAsset.delete", "albumUser.create", "albumUser.update", "albumUser.delete",
        "auth.changePassword", "authDevice.delete", "archive.read", "backup.list", "backup.download",
        "backup.upload", "backup.delete", "duplicate.read", "duplicate.delete", "face.create", "face.read",
        "face.update", "face.delete", "folder.read", "job.create", "job.read", "library.create",
        "library.read", "library.update", "library.delete", "library.statistics", "timeline.read",
        "timeline.download", "maintenance", "map.read", "map.search", "memory.create", "memory.read",
        "memory.update", "memory.delete", "memory.statistics", "memoryAsset.create", "memoryAsset.delete",
        "notification.create", "notification.read", "notification.update", "notification.delete",
        "partner.create", "partner.read", "partner.update", "partner.delete", "person.create", "person.read",
        "person.update", "person.delete", "person.statistics", "person.merge", "person.reassign",
        "pinCode.create", "pinCode.update", "pinCode.delete", "plugin.create", "plugin.read",
        "plugin.update", "plugin.delete", "server.about", "server.apkLinks", "server.storage",
        "server.statistics", "server.versionCheck", "serverLicense.read", "serverLicense.update",
        "serverLicense.delete", "session.create", "session.read", "session.update", "session.delete",
        "session.lock", "sharedLink.create", "sharedLink.read", "sharedLink.update", "sharedLink.delete",
        "stack.create", "stack.read", "stack.update", "stack.delete", "sync.stream", "syncCheckpoint.read",
        "syncCheckpoint.update", "syncCheckpoint.delete", "systemConfig.read", "systemConfig.update",
        "systemMetadata.read", "systemMetadata.update", "tag.create", "tag.read", "tag.update", "tag.delete",
        "tag.asset", "user.read", "user.update", "userLicense.create", "userLicense.read",
        "userLicense.update", "userLicense.delete", "userOnboarding.read", "userOnboarding.update",
        "userOnboarding.delete", "userPreference.read", "userPreference.update", "userProfileImage.create",
        "userProfileImage.read", "userProfileImage.update", "userProfileImage.delete", "queue.read",
        "queue.update", "queueJob.create", "queueJob.read", "queueJob.update", "queueJob.delete",
        "workflow.create", "workflow.read", "workflow.update", "workflow.delete", "adminUser.create",
        "adminUser.read", "adminUser.update", "adminUser.delete", "adminSession.read", "adminAuth.unlinkAll",
    ];

    /// <summary>3.1.0 (155 values): <c>components.schemas.Permission.enum</c> of shared/contracts/immich-openapi.json.</summary>
    public static readonly string[] V3_1 =
    [
        "all", "activity.create", "activity.read", "activity.update", "activity.delete",
        "activity.statistics", "apiKey.create", "apiKey.read", "apiKey.update", "apiKey.delete",
        "asset.read", "asset.update", "asset.delete", "asset.statistics", "asset.share", "asset.view",
        "asset.download", "asset.upload", "asset.copy", "asset.derive", "asset.edit.get",
        "asset.edit.create", "asset.edit.delete", "album.create", "album.read", "album.update",
        "album.delete", "album.statistics", "album.share", "album.download", "albumAsset.create",
        "albumAsset.delete", "albumUser.create", "albumUser.update", "albumUser.delete",
        "auth.changePassword", "authDevice.delete", "archive.read", "backup.list", "backup.download",
        "backup.upload", "backup.delete", "duplicate.read", "duplicate.delete", "face.create", "face.read",
        "face.update", "face.delete", "folder.read", "job.create", "job.read", "library.create",
        "library.read", "library.update", "library.delete", "library.statistics", "timeline.read",
        "timeline.download", "maintenance", "map.read", "map.search", "memory.create", "memory.read",
        "memory.update", "memory.delete", "memory.statistics", "memoryAsset.create", "memoryAsset.delete",
        "notification.create", "notification.read", "notification.update", "notification.delete",
        "partner.create", "partner.read", "partner.update", "partner.delete", "person.create", "person.read",
        "person.update", "person.delete", "person.statistics", "person.merge", "person.reassign",
        "pinCode.create", "pinCode.update", "pinCode.delete", "plugin.create", "plugin.read",
        "plugin.update", "plugin.delete", "server.about", "server.apkLinks", "server.storage",
        "server.statistics", "server.versionCheck", "serverLicense.read", "serverLicense.update",
        "serverLicense.delete", "session.create", "session.read", "session.update", "session.delete",
        "session.lock", "sharedLink.create", "sharedLink.read", "sharedLink.update", "sharedLink.delete",
        "stack.create", "stack.read", "stack.update", "stack.delete", "sync.stream", "syncCheckpoint.read",
        "syncCheckpoint.update", "syncCheckpoint.delete", "systemConfig.read", "systemConfig.update",
        "systemMetadata.read", "systemMetadata.update", "tag.create", "tag.read", "tag.update", "tag.delete",
        "tag.asset", "user.read", "user.update", "userLicense.create", "userLicense.read",
        "userLicense.update", "userLicense.delete", "userOnboarding.read", "userOnboarding.update",
        "userOnboarding.delete", "userPreference.read", "userPreference.update", "userProfileImage.create",
        "userProfileImage.read", "userProfileImage.update", "userProfileImage.delete", "queue.read",
        "queue.update", "queueJob.create", "queueJob.read", "queueJob.update", "queueJob.delete",
        "workflow.create", "workflow.read", "workflow.update", "workflow.delete", "adminUser.create",
        "adminUser.read", "adminUser.update", "adminUser.delete", "adminSession.read", "adminAuth.unlinkAll",
    ];
}
