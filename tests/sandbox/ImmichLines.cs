using System.Collections.Concurrent;

namespace Sandbox.Tests;

/// <summary>
/// What the tests expect of each Immich line (contracts-immich.md), written independently of the
/// sandbox's code: the version, and the Permission enum derived from the saved 3.1 spec by the
/// changes the contract lists.
/// </summary>
public static class ImmichLines
{
    public static readonly TheoryData<string> All = new() { "1.x", "2.x", "3.x" };

    public static string Version(string line) => line switch { "1.x" => "1.135.0", "2.x" => "2.7.5", _ => "3.1.0" };

    /// <summary>The 78 values of 1.113-1.134 (contracts-immich.md) plus the 6 added in 1.135.0.</summary>
    private static readonly string[] V1 = ("all activity.create activity.read activity.update activity.delete activity.statistics " +
        "apiKey.create apiKey.read apiKey.update apiKey.delete asset.read asset.update asset.delete asset.share asset.view " +
        "asset.download asset.upload album.create album.read album.update album.delete album.statistics album.addAsset " +
        "album.removeAsset album.share album.download authDevice.delete archive.read face.create face.read face.update " +
        "face.delete library.create library.read library.update library.delete library.statistics timeline.read " +
        "timeline.download memory.create memory.read memory.update memory.delete partner.create partner.read partner.update " +
        "partner.delete person.create person.read person.update person.delete person.statistics person.merge person.reassign " +
        "session.read session.update session.delete sharedLink.create sharedLink.read sharedLink.update sharedLink.delete " +
        "stack.create stack.read stack.update stack.delete systemConfig.read systemConfig.update systemMetadata.read " +
        "systemMetadata.update tag.create tag.read tag.update tag.delete tag.asset admin.user.create admin.user.read " +
        "admin.user.update admin.user.delete " +
        "notification.create notification.read notification.update notification.delete session.create session.lock")
        .Split(' ');

    public static string[] Permissions(string line)
    {
        var v3 = OpenApiSchema.Immich.Component("Permission").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return line switch
        {
            "1.x" => V1,
            "2.x" => [.. v3, "asset.replace"],
            _ => v3,
        };
    }

    /// <summary>Schema options for checking a 1.x/2.x answer against the 3.1 spec.</summary>
    public static OpenApiSchema.Options SchemaOptions(string line)
    {
        var o = new OpenApiSchema.Options();
        o.Enums["Permission"] = Permissions(line);
        if (line != "3.x") o.Waived.Add("prerelease");
        return o;
    }
}

/// <summary>One sandbox per Immich line, started on first use and shared by the "immich" collection.</summary>
public sealed class ImmichSandboxes : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SandboxProcess>> _byLine = new();

    public SandboxProcess For(string line) => _byLine.GetOrAdd(line, l =>
        new Lazy<SandboxProcess>(() => SandboxProcess.Start("--kind", "immich", "--immich-version", l))).Value;

    public void Dispose()
    {
        foreach (var s in _byLine.Values.Where(l => l.IsValueCreated)) s.Value.Dispose();
    }
}

[CollectionDefinition("immich")]
public sealed class ImmichCollection : ICollectionFixture<ImmichSandboxes>;
