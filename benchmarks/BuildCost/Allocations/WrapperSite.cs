/// <summary>Where a wrapper goes: the class and the number of its method <c>Job{Number}Async</c>.</summary>
internal readonly record struct WrapperSite(string Type, string Number);
