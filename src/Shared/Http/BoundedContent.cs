namespace TaskProtection;

/// <summary>Reads an HTTP answer's body, refusing one larger than a limit: whatever answered may not be what we called.</summary>
internal static class BoundedContent
{
    /// <summary>The body's bytes in a rented buffer (return it to <see cref="System.Buffers.ArrayPool{T}.Shared"/>), or -1 as length when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<int> ReadAsync(HttpContent content, byte[] buffer, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return -1;
        }

        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            int total = 0;
            while (true)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(total, buffer.Length - total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return total;
                }

                total += read;
                if (total > maxBytes)
                {
                    return -1;
                }
            }
        }
    }
}
