namespace TaskProtection;

/// <summary>
/// What a coordination directory holds, in memory: several managers in one test process join it as the processes of
/// one task would share a directory. <see cref="Kill"/> plays a process dying (its holder mark and lock go at once).
/// </summary>
internal sealed class CoordinationBoard
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _holders = [];
    private readonly HashSet<string> _dead = [];
    private readonly FairCallLock _callLock = new();
    private Session? _holder;
    private SharedProtection _state = SharedProtection.Empty;

    public event Action? Changed;

    /// <summary>When set, the next read finds the state file corrupt.</summary>
    public bool CorruptNextRead { get; set; }

    /// <summary>Every state written, for tests that check what was shared.</summary>
    public SharedProtection State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public ICoordinationStore Join(string participant, TimeSpan landing, TimeProvider time) => new Store(this, participant, landing, time);

    /// <summary>The participant's process died: it stops holding and its lock is released; it never takes the lock again.</summary>
    public void Kill(string participant)
    {
        lock (_lock)
        {
            _dead.Add(participant);
            _holders.Remove(participant);
            if (_holder?.Participant == participant && _holder.MarkReleased())
            {
                _holder = null;
                _callLock.Release();
            }
        }
    }

    public bool IsHolder(string participant)
    {
        lock (_lock)
        {
            return _holders.Contains(participant);
        }
    }

    private sealed class Store(CoordinationBoard board, string participant, TimeSpan landing, TimeProvider time) : ICoordinationStore
    {
        public string Participant => participant;

        public event Action? Changed
        {
            add => board.Changed += value;
            remove => board.Changed -= value;
        }

        public async ValueTask<ICoordinationSession> LockAsync(CancellationToken cancellationToken)
        {
            bool dead;
            lock (board._lock)
            {
                dead = board._dead.Contains(participant);
            }

            if (dead)
            {
                // A dead process makes no more calls.
                await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
            }

            await board._callLock.WaitAsync(cancellationToken);
            var session = new Session(board, participant, landing, time);
            lock (board._lock)
            {
                board._holder = session;
            }

            return session;
        }

        public SharedProtection Peek() => board.State;

        public void Dispose()
        {
            lock (board._lock)
            {
                board._holders.Remove(participant);
            }
        }
    }

    private sealed class Session(CoordinationBoard board, string participant, TimeSpan landing, TimeProvider time) : ICoordinationSession
    {
        private bool _released;

        public string Participant => participant;

        public bool Recovered { get; private set; }

        public SharedProtection Read()
        {
            lock (board._lock)
            {
                Recovered = board.CorruptNextRead;
                board.CorruptNextRead = false;
                if (!Recovered)
                {
                    return board._state;
                }
            }

            DateTimeOffset now = time.GetUtcNow();
            return SharedProtection.Empty with { Pending = [new PendingCall(false, now, 0, now + landing)] };
        }

        public void Write(SharedProtection state)
        {
            lock (board._lock)
            {
                if (board._dead.Contains(participant))
                {
                    return;
                }

                board._state = state;
            }

            board.Changed?.Invoke();
        }

        public void BecomeHolder()
        {
            lock (board._lock)
            {
                if (!board._dead.Contains(participant))
                {
                    board._holders.Add(participant);
                }
            }
        }

        public void StopHolding()
        {
            lock (board._lock)
            {
                board._holders.Remove(participant);
            }
        }

        public int OtherHolders()
        {
            lock (board._lock)
            {
                return board._holders.Count(h => h != participant);
            }
        }

        /// <summary>Marks the lock released by this session; false when it already was (disposed, or its process killed). Under the board's lock.</summary>
        public bool MarkReleased()
        {
            if (_released)
            {
                return false;
            }

            _released = true;
            return true;
        }

        public void Dispose()
        {
            lock (board._lock)
            {
                if (!MarkReleased())
                {
                    return; // Released already: its process was killed meanwhile.
                }

                if (board._holder == this)
                {
                    board._holder = null;
                }
            }

            board._callLock.Release();
        }
    }
}
