namespace Sandbox.Jim;

/// <summary>
/// In-memory JIM key table. The list is ordered by name (the repository's <c>OrderBy(ak =&gt; ak.Name)</c>;
/// case-insensitive first, like a typical database collation). The ordered array is cached until a
/// key is added, renamed or removed; last-use updates on every authentication do not reorder, so
/// they swap the record inside its <see cref="Slot"/> and keep the cache.
/// </summary>
public sealed class JimKeyStore
{
    /// <summary>A key's place in the store; <see cref="Key"/> is replaced on every change.</summary>
    public sealed class Slot(JimApiKey key)
    {
        private JimApiKey _key = key;

        public JimApiKey Key
        {
            get => Volatile.Read(ref _key);
            set => Volatile.Write(ref _key, value);
        }
    }

    private static readonly Comparison<Slot> ByName = (a, b) =>
    {
        var c = StringComparer.OrdinalIgnoreCase.Compare(a.Key.Name, b.Key.Name);
        if (c == 0) c = string.CompareOrdinal(a.Key.Name, b.Key.Name);
        return c != 0 ? c : a.Key.Id.CompareTo(b.Key.Id);
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Slot> _byId = [];
    private readonly Dictionary<string, Slot> _byHash = new(StringComparer.Ordinal);
    private Slot[]? _byName;

    public int Count
    {
        get { lock (_gate) return _byId.Count; }
    }

    public void Add(JimApiKey key)
    {
        lock (_gate)
        {
            var slot = new Slot(key);
            _byId.Add(key.Id, slot);
            _byHash.Add(key.KeyHash, slot);
            _byName = null;
        }
    }

    /// <summary>Bulk insert for <c>--seed-keys</c>: one lock, fully optimized from the first call.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AddSeeds(string namePrefix, Guid[] ids, (string Prefix, string Hash)[] seeds, DateTime created)
    {
        lock (_gate)
        {
            _byId.EnsureCapacity(_byId.Count + seeds.Length);
            _byHash.EnsureCapacity(_byHash.Count + seeds.Length);
            int[] noRoles = [];
            for (var i = 0; i < seeds.Length; i++)
            {
                var name = namePrefix + (i + 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
                var slot = new Slot(new JimApiKey(ids[i], name, null, seeds[i].Prefix, seeds[i].Hash,
                    created, null, null, null, true, noRoles, false));
                _byId.Add(slot.Key.Id, slot);
                _byHash.Add(slot.Key.KeyHash, slot);
            }
            _byName = null;
        }
    }

    public JimApiKey? Find(Guid id)
    {
        lock (_gate) return _byId.TryGetValue(id, out var slot) ? slot.Key : null;
    }

    public JimApiKey? FindByHash(string keyHash)
    {
        lock (_gate) return _byHash.TryGetValue(keyHash, out var slot) ? slot.Key : null;
    }

    /// <summary>Replaces a key's stored fields (full replacement, as JIM's PUT does); null if it is gone.</summary>
    public JimApiKey? Replace(Guid id, Func<JimApiKey, JimApiKey> change)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var slot)) return null;
            var before = slot.Key;
            var after = change(before);
            slot.Key = after;
            if (!string.Equals(before.Name, after.Name, StringComparison.Ordinal)) _byName = null;
            return after;
        }
    }

    /// <summary>Records a successful authentication (LastUsedAt, LastUsedFromIp).</summary>
    public void MarkUsed(Guid id, DateTime when, string? ip)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var slot))
                slot.Key = slot.Key with { LastUsedAt = when, LastUsedFromIp = ip };
        }
    }

    public bool Delete(Guid id)
    {
        lock (_gate)
        {
            if (!_byId.Remove(id, out var slot)) return false;
            _byHash.Remove(slot.Key.KeyHash);
            _byName = null;
            return true;
        }
    }

    /// <summary>Every key ordered by name. The array is shared: callers must not change it.</summary>
    public Slot[] List()
    {
        lock (_gate)
        {
            if (_byName is null)
            {
                var array = _byId.Values.ToArray();
                Array.Sort(array, ByName);
                _byName = array;
            }
            return _byName;
        }
    }
}
