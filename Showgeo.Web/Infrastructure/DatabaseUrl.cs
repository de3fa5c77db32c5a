using Npgsql;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Turns Render's <c>postgresql://user:pass@host:port/db</c> into an Npgsql connection string
/// (Npgsql does not parse URLs). A value that is already a keyword connection string passes through.
/// </summary>
public static class DatabaseUrl
{
    public static string ToNpgsqlConnectionString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
            throw new FormatException("The database connection setting is empty.");

        if (!trimmed.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(trimmed).ConnectionString;
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"The database connection string is not valid: {ex.Message}", ex);
            }
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri))
            throw new FormatException("DATABASE_URL is not a valid URL; expected postgresql://user:password@host:port/database.");
        if (uri.Scheme is not ("postgres" or "postgresql"))
            throw new FormatException($"DATABASE_URL has scheme '{uri.Scheme}'; expected postgresql://user:password@host:port/database.");
        if (string.IsNullOrEmpty(uri.Host))
            throw new FormatException("DATABASE_URL has no host; expected postgresql://user:password@host:port/database.");

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw new FormatException("DATABASE_URL has no database name; expected postgresql://user:password@host:port/database.");

        var userInfo = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(userInfo[0]);
        if (user.Length == 0)
            throw new FormatException("DATABASE_URL has no user name; expected postgresql://user:password@host:port/database.");

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
            Username = user,
        };
        if (userInfo.Length == 2)
            builder.Password = Uri.UnescapeDataString(userInfo[1]);

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                if (!Enum.TryParse<SslMode>(val, ignoreCase: true, out var mode))
                    throw new FormatException($"DATABASE_URL has an unknown sslmode '{val}'.");
                builder.SslMode = mode;
            }
        }
        return builder.ConnectionString;
    }
}
