// KeyServer.cs: cross-server keys carry the session they came from.

namespace ApiKeys.Internal
{
    public static class KeyServer
    {
        /// <summary>
        /// Sets each key's Server and Kind (the kind's display name, "Immich", over the JSON's
        /// "immich"). Done here rather than in a PowerShell loop: for a list of 100,000 keys the
        /// loop costs a statement per key and its garbage shows in the peak memory
        /// (bench/README.md, "Peak memory").
        /// </summary>
        public static void Attach(ApiKeys.ApiKey[] keys, ApiKeys.ApiKeyServer server)
        {
            if (keys == null) return;
            foreach (var key in keys) Attach(key, server);
        }

        /// <summary>One key (get by id): the same as for a list.</summary>
        public static void Attach(ApiKeys.ApiKey key, ApiKeys.ApiKeyServer server)
        {
            if (key == null) return;
            key.Server = server;
            key.Kind = server?.Kind;
        }
    }
}
