namespace TaskProtection.MassTransit;

/// <summary>
/// Opts a MassTransit consumer class out of protection: its messages are consumed without a session and do not keep the
/// task from being scaled in. For short or idempotent consumers whose redelivery costs nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class DoNotProtectConsumerAttribute : Attribute;
