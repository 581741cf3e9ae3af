namespace Mcp.Raw.Server;

/// <summary>
/// The tools, prompts, resources or templates of a server, in registration order (M-SV-02). Safe to change while
/// the server runs: readers see a snapshot, and every change raises <see cref="Changed"/>, which the server turns
/// into <c>list_changed</c> notifications (SV-11, M-SB-07).
/// </summary>
public sealed class McpPrimitiveCollection<T>
    where T : class
{
    private readonly Func<T, string> _key;
    private readonly Lock _lock = new();
    private T[] _items = [];
    private Dictionary<string, T> _byKey = new(StringComparer.Ordinal);

    internal McpPrimitiveCollection(Func<T, string> key) => _key = key;

    /// <summary>Raised after every change.</summary>
    public event EventHandler? Changed;

    /// <summary>The current items, in order.</summary>
    public IReadOnlyList<T> Items => Volatile.Read(ref _items);

    /// <summary>Number of items.</summary>
    public int Count => Volatile.Read(ref _items).Length;

    /// <summary>Adds an item; its key must be new.</summary>
    public void Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = _key(item);
        lock (_lock)
        {
            if (_byKey.ContainsKey(key))
            {
                throw new ArgumentException($"'{key}' is already registered.", nameof(item));
            }

            _byKey = new Dictionary<string, T>(_byKey, StringComparer.Ordinal) { [key] = item };
            _items = [.. _items, item];
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Removes the item with this key; false when there is none.</summary>
    public bool Remove(string key)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue(key, out var item))
            {
                return false;
            }

            var copy = new Dictionary<string, T>(_byKey, StringComparer.Ordinal);
            copy.Remove(key);
            _byKey = copy;
            _items = Array.FindAll(_items, i => !ReferenceEquals(i, item));
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <summary>Finds an item by key.</summary>
    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? item) => Volatile.Read(ref _byKey).TryGetValue(key, out item);
}
