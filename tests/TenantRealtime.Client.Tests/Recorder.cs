namespace TenantRealtime.Client.Tests;

/// <summary>Collects what callbacks receive, and awaits a condition on it with a timeout.</summary>
public sealed class Recorder<T>
{
    private readonly List<T> _items = [];
    private TaskCompletionSource _added = NewSignal();

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Add(item);
            _added.TrySetResult();
            _added = NewSignal();
        }
    }

    public async Task<IReadOnlyList<T>> WaitForAsync(Func<IReadOnlyList<T>, bool> condition, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            Task added;
            IReadOnlyList<T> items;
            lock (_items)
            {
                items = [.. _items];
                added = _added.Task;
            }

            if (condition(items))
            {
                return items;
            }

            try
            {
                await added.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Condition not met; received {items.Count} item(s): {string.Join(", ", items)}");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IReadOnlyList<T>> WaitForCountAsync(int count, TimeSpan? timeout = null) => WaitForAsync(items => items.Count >= count, timeout);
}
