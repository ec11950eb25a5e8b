namespace Sandbox.TrueNas;

/// <summary>
/// The in-memory <c>account_api_key</c> and <c>account_bsdusers</c> tables. One lock guards
/// both; the api_key service takes it (<see cref="Gate"/>) around each check-then-write so
/// uniqueness and the per-user limit hold under concurrent calls. Reads of the whole table reuse
/// a cached array in id order (the datastore's default order) until the next write.
/// </summary>
public sealed class TrueNasStore
{
    private readonly SortedDictionary<int, TrueNasKey> _keys = [];
    private readonly Dictionary<int, SortedSet<int>> _keysByOwner = [];
    private readonly Dictionary<string, int> _idByName = new(StringComparer.Ordinal);
    private readonly Dictionary<int, TrueNasUser> _usersById = [];
    private readonly Dictionary<string, TrueNasUser> _usersByName = new(StringComparer.Ordinal);
    private readonly List<TrueNasUser> _users = [];
    private TrueNasKey[]? _snapshot;
    private int _lastKeyId;

    public Lock Gate { get; } = new();

    public int Count
    {
        get { lock (Gate) return _keys.Count; }
    }

    // ---- users ----

    public void AddUser(TrueNasUser user)
    {
        lock (Gate)
        {
            _usersById.Add(user.Id, user);
            _usersByName.Add(user.Username, user);
            _users.Add(user);
        }
    }

    public TrueNasUser? UserByName(string name)
    {
        lock (Gate) return _usersByName.GetValueOrDefault(name);
    }

    public TrueNasUser? UserById(int id)
    {
        lock (Gate) return _usersById.GetValueOrDefault(id);
    }

    public TrueNasUser[] Users()
    {
        lock (Gate) return _users.ToArray();
    }

    // ---- keys (callers that check-then-write hold Gate themselves; Lock is re-entrant) ----

    public TrueNasKey? Find(int id)
    {
        lock (Gate) return _keys.GetValueOrDefault(id);
    }

    /// <summary>All keys in id order. Shared array: callers must not change it.</summary>
    public TrueNasKey[] All()
    {
        lock (Gate)
        {
            if (_snapshot is null)
            {
                var array = new TrueNasKey[_keys.Count];
                _keys.Values.CopyTo(array, 0);
                _snapshot = array;
            }
            return _snapshot;
        }
    }

    public bool NameTaken(string name, int? exceptId)
    {
        lock (Gate) return _idByName.TryGetValue(name, out var id) && id != exceptId;
    }

    public int KeysOwnedBy(int userId)
    {
        lock (Gate) return _keysByOwner.TryGetValue(userId, out var ids) ? ids.Count : 0;
    }

    /// <summary>The user's key ids in id order (<c>user.query</c>'s <c>api_keys</c>).</summary>
    public int[] KeyIdsOwnedBy(int userId)
    {
        lock (Gate) return _keysByOwner.TryGetValue(userId, out var ids) ? ids.ToArray() : [];
    }

    /// <summary>
    /// The id the next insert gets: SQLite's max(rowid)+1 (the table has no AUTOINCREMENT), so
    /// deleting the newest key and creating another hands out the same id again.
    /// </summary>
    public int NextId()
    {
        lock (Gate) return _lastKeyId + 1;
    }

    public void Insert(TrueNasKey key)
    {
        lock (Gate)
        {
            _keys.Add(key.Id, key);
            _idByName[key.Name] = key.Id;
            if (key.Id > _lastKeyId) _lastKeyId = key.Id;
            if (key.OwnerId is int owner)
            {
                if (!_keysByOwner.TryGetValue(owner, out var ids)) _keysByOwner[owner] = ids = [];
                ids.Add(key.Id);
            }
            _snapshot = null;
        }
    }

    public void Replace(TrueNasKey key)
    {
        lock (Gate)
        {
            if (_keys.TryGetValue(key.Id, out var old) && old.Name != key.Name &&
                _idByName.TryGetValue(old.Name, out var holder) && holder == key.Id)
                _idByName.Remove(old.Name);
            _keys[key.Id] = key;
            _idByName[key.Name] = key.Id;
            _snapshot = null;
        }
    }

    public bool Remove(int id)
    {
        lock (Gate)
        {
            if (!_keys.Remove(id, out var key)) return false;
            if (_idByName.TryGetValue(key.Name, out var holder) && holder == id) _idByName.Remove(key.Name);
            if (id == _lastKeyId) _lastKeyId = _keys.Count == 0 ? 0 : _keys.Keys.Max();
            if (key.OwnerId is int owner && _keysByOwner.TryGetValue(owner, out var ids)) ids.Remove(id);
            _snapshot = null;
            return true;
        }
    }
}
