namespace TaskProtection;

/// <summary>One reusable place for an active session. Id is 0 when free, the session id while active, and −id while ending.</summary>
internal sealed class SessionSlot
{
    public long Id;
    public string? Name;
    public long StartTimestamp;

    /// <summary>The session's activity, only when a listener wanted one.</summary>
    public System.Diagnostics.Activity? Activity;
}

/// <summary>
/// Lock-free table of active sessions. Slots are allocated once and reused, so entering and ending a session
/// allocates nothing; the array only grows (under a lock, rarely) when every slot is taken.
/// </summary>
internal sealed class SessionTable
{
    private const int InitialCapacity = 64;
    private readonly Lock _growLock = new();
    private SessionSlot[] _slots = CreateSlots(InitialCapacity, []);

    /// <summary>Claims a free slot for session <paramref name="id"/>.</summary>
    public SessionSlot Claim(long id, string name, long startTimestamp)
    {
        while (true)
        {
            SessionSlot[] slots = Volatile.Read(ref _slots);
            int count = slots.Length;
            int start = (int)((ulong)id % (ulong)count);
            for (int i = 0; i < count; i++)
            {
                int index = start + i;
                if (index >= count)
                {
                    index -= count;
                }

                SessionSlot slot = slots[index];
                if (Volatile.Read(ref slot.Id) == 0 && Interlocked.CompareExchange(ref slot.Id, id, 0) == 0)
                {
                    Volatile.Write(ref slot.StartTimestamp, startTimestamp);
                    Volatile.Write(ref slot.Name, name);
                    return slot;
                }
            }

            Grow(slots);
        }
    }

    /// <summary>Frees the slot if it still holds session <paramref name="id"/>; true for exactly one caller.</summary>
    public static bool Release(SessionSlot slot, long id)
    {
        // Mark the slot "ending" first, so that only one caller wins and the name is cleared before reuse.
        if (Interlocked.CompareExchange(ref slot.Id, -id, id) != id)
        {
            return false;
        }

        Volatile.Write(ref slot.Name, null);
        Volatile.Write(ref slot.Activity, null);
        Volatile.Write(ref slot.Id, 0);
        return true;
    }

    /// <summary>Whether the slot still holds session <paramref name="id"/>.</summary>
    public static bool IsActive(SessionSlot slot, long id) => Volatile.Read(ref slot.Id) == id;

    /// <summary>A consistent view of each active session: a slot is read only if its id is the same before and after.</summary>
    public List<(long Id, string Name, long StartTimestamp)> Snapshot()
    {
        SessionSlot[] slots = Volatile.Read(ref _slots);
        var result = new List<(long, string, long)>();
        foreach (SessionSlot slot in slots)
        {
            long before = Volatile.Read(ref slot.Id);
            if (before <= 0)
            {
                continue;
            }

            string? name = Volatile.Read(ref slot.Name);
            long start = Volatile.Read(ref slot.StartTimestamp);
            if (name is not null && Volatile.Read(ref slot.Id) == before)
            {
                result.Add((before, name, start));
            }
        }

        return result;
    }

    private void Grow(SessionSlot[] seen)
    {
        lock (_growLock)
        {
            if (!ReferenceEquals(Volatile.Read(ref _slots), seen))
            {
                return;
            }

            // Existing slot objects move over unchanged: live handles keep pointing at them.
            Volatile.Write(ref _slots, CreateSlots(seen.Length * 2, seen));
        }
    }

    private static SessionSlot[] CreateSlots(int capacity, SessionSlot[] existing)
    {
        var slots = new SessionSlot[capacity];
        Array.Copy(existing, slots, existing.Length);
        for (int i = existing.Length; i < capacity; i++)
        {
            slots[i] = new SessionSlot();
        }

        return slots;
    }
}
