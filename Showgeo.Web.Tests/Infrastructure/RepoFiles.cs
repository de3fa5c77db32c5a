namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>Files at the repository root (render.yaml, Dockerfile, migrations), found from the test binaries.</summary>
public static class RepoFiles
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Showgeo.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Showgeo.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative);
}
