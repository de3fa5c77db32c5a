using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Tests.Infrastructure;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void Render_url_with_port_becomes_an_npgsql_connection_string()
    {
        var cs = Parse("postgresql://showgeo_user:s3cret@dpg-abc123-a:6543/showgeo_db");

        Assert.Equal("dpg-abc123-a", cs.Host);
        Assert.Equal(6543, cs.Port);
        Assert.Equal("showgeo_db", cs.Database);
        Assert.Equal("showgeo_user", cs.Username);
        Assert.Equal("s3cret", cs.Password);
    }

    [Fact]
    public void Url_without_port_uses_5432_and_postgres_scheme_is_accepted()
    {
        var cs = Parse("postgres://u:p@db.example.com/app");

        Assert.Equal("db.example.com", cs.Host);
        Assert.Equal(5432, cs.Port);
        Assert.Equal("app", cs.Database);
    }

    [Fact]
    public void Percent_encoded_password_is_decoded()
    {
        var cs = Parse("postgresql://user:p%40ss%3Aw%2Ford%25@host:5432/db");

        Assert.Equal("p@ss:w/ord%", cs.Password);
        Assert.Equal("user", cs.Username);
    }

    [Fact]
    public void Sslmode_query_is_carried_over()
    {
        var cs = Parse("postgresql://user:pw@host.render.com:5432/db?sslmode=require");

        Assert.Equal(SslMode.Require, cs.SslMode);
    }

    [Fact]
    public void Keyword_connection_string_passes_through_unchanged_in_meaning()
    {
        var cs = Parse("Host=localhost;Port=5433;Database=showgeo;Username=me;Password=pw");

        Assert.Equal(("localhost", 5433, "showgeo", "me", "pw"), (cs.Host, cs.Port, cs.Database, cs.Username, cs.Password));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("mysql://user:pw@host:3306/db", "scheme 'mysql'")]
    [InlineData("postgresql://user:pw@:5432/db", "host")]
    [InlineData("postgresql://user:pw@host:5432/", "no database name")]
    [InlineData("postgresql://user:pw@host:5432", "no database name")]
    [InlineData("postgresql://host:5432/db", "no user name")]
    [InlineData("postgresql://:pw@host:5432/db", "no user name")]
    [InlineData("postgresql://user:pw@host/db?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("this is not a connection string", "not valid")]
    [InlineData("postgresql://user:pw@host:notaport/db", "not a valid URL")]
    public void Bad_values_are_refused_with_a_clear_message(string value, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => DatabaseUrl.ToNpgsqlConnectionString(value));

        Assert.Contains(expected, ex.Message);
        if (value.Contains("://", StringComparison.Ordinal))
            Assert.Contains("DATABASE_URL", ex.Message);
        Assert.DoesNotContain("pw", ex.Message.Replace("password", ""));
    }

    [Fact]
    public void Connection_string_setting_wins_over_database_url()
    {
        var options = DatabaseOptions.FromConfiguration(Config(new()
        {
            ["ConnectionStrings:Showgeo"] = "Host=primary;Database=a;Username=u",
            ["DATABASE_URL"] = "postgresql://u:p@secondary/b",
        }));

        Assert.Equal("primary", new NpgsqlConnectionStringBuilder(options.ConnectionString).Host);
    }

    [Fact]
    public void Database_url_is_used_when_no_connection_string_is_set()
    {
        var options = DatabaseOptions.FromConfiguration(Config(new() { ["DATABASE_URL"] = "postgresql://u:p@render-host/b" }));

        Assert.Equal("render-host", new NpgsqlConnectionStringBuilder(options.ConnectionString).Host);
    }

    [Fact]
    public void Missing_database_setting_names_both_ways_to_set_it()
    {
        var ex = Assert.Throws<RequiredSettingException>(() => DatabaseOptions.FromConfiguration(Config(new())));

        Assert.Equal("ConnectionStrings:Showgeo", ex.Setting);
        Assert.Contains("DATABASE_URL", ex.Message);
    }

    [Fact]
    public void Bad_database_url_names_the_setting()
    {
        var ex = Assert.Throws<RequiredSettingException>(() =>
            DatabaseOptions.FromConfiguration(Config(new() { ["DATABASE_URL"] = "mysql://u:p@h/db" })));

        Assert.Equal("DATABASE_URL", ex.Setting);
        Assert.Contains("Configuration setting 'DATABASE_URL' is invalid", ex.Message);
    }

    [Fact]
    public void App_refuses_to_start_with_a_bad_database_url()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("DATABASE_URL", "mysql://user:pw@host:3306/showgeo");
        });

        var ex = Record.Exception(() => factory.Server);

        var setting = Assert.IsType<RequiredSettingException>(Unwrap(ex));
        Assert.Equal("DATABASE_URL", setting.Setting);
        Assert.Contains("postgresql://", setting.Message);
    }

    private static Exception? Unwrap(Exception? ex)
    {
        while (ex is not null and not RequiredSettingException && ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }

    private static NpgsqlConnectionStringBuilder Parse(string value) => new(DatabaseUrl.ToNpgsqlConnectionString(value));

    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
