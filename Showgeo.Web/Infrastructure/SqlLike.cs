namespace Showgeo.Web.Infrastructure;

/// <summary>Search terms for <c>EF.Functions.ILike</c>: the user's text is matched literally, wherever it occurs.</summary>
public static class SqlLike
{
    /// <summary>"50%_off" → "%50\%\_off%": PostgreSQL's default escape character is the backslash.</summary>
    public static string Containing(string term) =>
        "%" + term.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
