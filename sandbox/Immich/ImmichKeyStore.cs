using System.Runtime.CompilerServices;

namespace Sandbox.Immich;

/// <summary>
/// In-memory <c>api_key</c> table. One lock guards every map. The list (newest first, as
/// <c>getByUserId</c> orders by createdAt descending) is a cached array of slots, rebuilt only
/// when a key is added or removed; an update swaps the record inside its slot, so listing 100,000
/// keys neither sorts nor copies per request.
/// </summary>
public sealed class ImmichKeyStore
{
    /// <summary>A key's place in the store; <see cref="Key"/> is replaced on every change.</summary>
    public sealed class Slot(ImmichApiKey key)
    {
        private ImmichApiKey _key = key;

        public ImmichApiKey Key
        {
            get => Volatile.Read(ref _key);
            set => Volatile.Write(ref _key, value);
        }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Slot> _byId = [];
    private readonly Dictionary<string, Slot> _byHash = new(StringComparer.Ordinal);
    private Slot[]? _newestFirst;
    private long _sequence;
    private DateTime _lastCreated = DateTime.MinValue;

    public int Count
    {
        get { lock (_gate) return _byId.Count; }
    }

    /// <summary>Stores a new key whose secret hashes to <paramref name="secretHash"/>.</summary>
    public ImmichApiKey Add(Guid id, string name, string[] permissions, string secretHash, Guid userId)
    {
        lock (_gate)
        {
            // createdAt never goes backwards, so creation order and createdAt order agree.
            var now = ImmichClock.Now();
            if (now < _lastCreated) now = _lastCreated;
            _lastCreated = now;
            var text = ImmichClock.Format(now);
            var slot = new Slot(new ImmichApiKey(id, name, text, text, permissions, secretHash, userId, ++_sequence));
            _byId.Add(id, slot);
            _byHash.Add(secretHash, slot);
            _newestFirst = null;
            return slot.Key;
        }
    }

    /// <summary>
    /// Bulk insert for <c>--seed-keys</c>: one lock, one timestamp, fully optimized code from the
    /// first call (a 100,000-iteration loop would otherwise start as unoptimized tier-0 code).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddSeeds(string namePrefix, Guid[] ids, string[] secretHashes, string[] permissions, Guid userId)
    {
        lock (_gate)
        {
            var now = ImmichClock.Now();
            if (now < _lastCreated) now = _lastCreated;
            _lastCreated = now;
            _byId.EnsureCapacity(_byId.Count + ids.Length);
            _byHash.EnsureCapacity(_byHash.Count + ids.Length);
            var text = ImmichClock.Format(now);
            for (var i = 0; i < ids.Length; i++)
            {
                var name = namePrefix + (i + 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
                var slot = new Slot(new ImmichApiKey(ids[i], name, text, text, permissions, secretHashes[i], userId, ++_sequence));
                _byId.Add(ids[i], slot);
                _byHash.Add(secretHashes[i], slot);
            }
            _newestFirst = null;
        }
    }

    public ImmichApiKey? FindBySecretHash(string hash)
    {
        lock (_gate) return _byHash.TryGetValue(hash, out var slot) ? slot.Key : null;
    }

    /// <summary>The caller's key with this id; another user's key is "not found" like a missing one.</summary>
    public ImmichApiKey? Find(Guid userId, Guid id)
    {
        lock (_gate)
            return _byId.TryGetValue(id, out var slot) && slot.Key.UserId == userId ? slot.Key : null;
    }

    /// <summary>Changes the given fields (null = unchanged) and bumps updatedAt.</summary>
    public ImmichApiKey? Update(Guid userId, Guid id, string? name, string[]? permissions)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var slot) || slot.Key.UserId != userId) return null;
            var key = slot.Key;
            slot.Key = key with
            {
                Name = name ?? key.Name,
                Permissions = permissions ?? key.Permissions,
                UpdatedAt = ImmichClock.Format(ImmichClock.Now()),
            };
            return slot.Key;
        }
    }

    public bool Delete(Guid userId, Guid id)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var slot) || slot.Key.UserId != userId) return false;
            _byId.Remove(id);
            _byHash.Remove(slot.Key.SecretHash);
            _newestFirst = null;
            return true;
        }
    }

    /// <summary>The user's keys, newest first. The array is shared: callers must not change it.</summary>
    public Slot[] List(Guid userId)
    {
        Slot[] all;
        lock (_gate)
        {
            if (_newestFirst is null)
            {
                var slots = _byId.Values.ToArray();
                var order = new long[slots.Length];
                for (var i = 0; i < slots.Length; i++) order[i] = -slots[i].Key.Sequence;
                Array.Sort(order, slots);
                _newestFirst = slots;
            }
            all = _newestFirst;
        }
        foreach (var slot in all)
        {
            if (slot.Key.UserId != userId) return Array.FindAll(all, s => s.Key.UserId == userId);
        }
        return all;
    }
}
