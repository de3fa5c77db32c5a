using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Data;

public sealed class DatabaseOptions
{
    public const string ConnectionStringName = "Showgeo";

    public required string ConnectionString { get; init; }

    /// <summary>
    /// Reads <c>ConnectionStrings:Showgeo</c>, falling back to Render's <c>DATABASE_URL</c>; fails fast naming the setting.
    /// </summary>
    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var raw = configuration.GetConnectionString(ConnectionStringName);
        var setting = $"ConnectionStrings:{ConnectionStringName}";
        if (string.IsNullOrWhiteSpace(raw))
        {
            raw = configuration["DATABASE_URL"];
            setting = "DATABASE_URL";
        }
        if (string.IsNullOrWhiteSpace(raw))
            throw new RequiredSettingException($"ConnectionStrings:{ConnectionStringName}",
                "is required (or set DATABASE_URL to a postgresql:// URL).");
        try
        {
            return new DatabaseOptions { ConnectionString = DatabaseUrl.ToNpgsqlConnectionString(raw) };
        }
        catch (FormatException ex)
        {
            throw new RequiredSettingException(setting, $"is invalid: {ex.Message}");
        }
    }
}
