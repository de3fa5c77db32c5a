using System.Net;
using System.Security.Cryptography;
using Npgsql;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Showgeo.Web.Tests.Deployment;

/// <summary>render.yaml as Render reads it: the web service, its env vars and the database it points at.</summary>
public sealed class RenderBlueprint
{
    public YamlMappingNode Service { get; }
    public IReadOnlyList<YamlMappingNode> EnvVars { get; }
    public IReadOnlyList<YamlMappingNode> Databases { get; }

    private RenderBlueprint(YamlMappingNode root)
    {
        Service = Assert.Single(Sequence(root, "services"), s => Text(s, "type") == "web");
        EnvVars = Sequence(Service, "envVars");
        Databases = root.Children.ContainsKey("databases") ? Sequence(root, "databases") : [];
    }

    public static RenderBlueprint Load()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(RepoFiles.PathOf("render.yaml"));
        yaml.Load(reader);
        return new RenderBlueprint((YamlMappingNode)yaml.Documents.Single().RootNode);
    }

    public YamlMappingNode Env(string key) =>
        EnvVars.SingleOrDefault(e => Text(e, "key") == key) ?? throw new Xunit.Sdk.XunitException($"render.yaml does not set {key}.");

    public static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;

    public static YamlMappingNode? Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v as YamlMappingNode : null;

    private static List<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Cast<YamlMappingNode>().ToList();
}

/// <summary>
/// The app started the way the Blueprint starts it: the environment it names, DATABASE_URL as a postgresql:// URL
/// (not a keyword string), generated values filled with random base64, and every `sync: false` secret left unset
/// except the Stripe pair, which Production requires (the operator types test-mode keys; nothing here calls Stripe).
/// </summary>
public class BlueprintApp : ShowgeoApp
{
    private readonly RenderBlueprint _blueprint = RenderBlueprint.Load();

    protected override string EnvironmentName => RenderBlueprint.Text(_blueprint.Env("ASPNETCORE_ENVIRONMENT"), "value")!;

    protected virtual bool OperatorTypesStripeKeys => true;

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        if (OperatorTypesStripeKeys)
        {
            settings["Stripe:SecretKey"] = "sk_test_blueprint";
            settings["Stripe:WebhookSecret"] = "whsec_blueprint";
        }
        var local = new NpgsqlConnectionStringBuilder(ConnectionString);
        settings.Remove("ConnectionStrings:Showgeo");
        foreach (var env in _blueprint.EnvVars)
        {
            var key = RenderBlueprint.Text(env, "key")!;
            if (key == "ASPNETCORE_ENVIRONMENT") continue;
            var setting = key.Replace("__", ":");
            if (RenderBlueprint.Map(env, "fromDatabase") is not null)
                settings[setting] = $"postgresql://{Uri.EscapeDataString(local.Username!)}:{Uri.EscapeDataString(local.Password!)}@{local.Host}:{local.Port}/{local.Database}";
            else if (RenderBlueprint.Text(env, "generateValue") == "true")
                settings[setting] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            else if (RenderBlueprint.Text(env, "value") is { } value)
                settings[setting] = key == "Assets__Root" ? Path.Combine(Path.GetTempPath(), "showgeo-blueprint-assets") : value;
        }
        return Task.CompletedTask;
    }
}

public sealed class RenderBlueprintTests(BlueprintApp app) : IClassFixture<BlueprintApp>
{
    private readonly RenderBlueprint _blueprint = RenderBlueprint.Load();

    /// <summary>Secrets the operator types in once; the app runs without each (the feature switches off).</summary>
    public static TheoryData<string> OperatorSecrets => new()
    {
        "Google__ClientId", "Google__ClientSecret",
        "Stripe__SecretKey", "Stripe__WebhookSecret",
        "LiveKit__Url", "LiveKit__ApiKey", "LiveKit__ApiSecret",
    };

    [Fact]
    public void Web_service_is_a_docker_service_built_from_the_repository_dockerfile()
    {
        Assert.Equal("docker", RenderBlueprint.Text(_blueprint.Service, "runtime"));
        Assert.Equal("showgeo", RenderBlueprint.Text(_blueprint.Service, "name"));
        var dockerfile = RenderBlueprint.Text(_blueprint.Service, "dockerfilePath") ?? "./Dockerfile";
        var text = File.ReadAllText(RepoFiles.PathOf(dockerfile));
        Assert.Contains("USER $APP_UID", text);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=${PORT:-8080}", text);
    }

    [Fact]
    public void Database_url_comes_from_the_connection_string_of_a_declared_database()
    {
        var from = RenderBlueprint.Map(_blueprint.Env("DATABASE_URL"), "fromDatabase");

        Assert.NotNull(from);
        Assert.Equal("connectionString", RenderBlueprint.Text(from, "property"));
        var database = Assert.Single(_blueprint.Databases, d => RenderBlueprint.Text(d, "name") == RenderBlueprint.Text(from, "name"));
        Assert.Equal("16", RenderBlueprint.Text(database, "postgresMajorVersion"));
    }

    [Fact]
    public void App_runs_in_production()
    {
        Assert.Equal("Production", RenderBlueprint.Text(_blueprint.Env("ASPNETCORE_ENVIRONMENT"), "value"));
    }

    [Theory]
    [MemberData(nameof(OperatorSecrets))]
    public void Operator_secrets_are_prompted_for_and_never_committed(string key)
    {
        var env = _blueprint.Env(key);

        Assert.Equal("false", RenderBlueprint.Text(env, "sync"));
        Assert.Null(RenderBlueprint.Text(env, "value"));
    }

    [Fact]
    public void Ticket_signing_key_is_generated_by_render()
    {
        var env = _blueprint.Env("Tickets__SigningKey");

        Assert.Equal("true", RenderBlueprint.Text(env, "generateValue"));
        Assert.Null(RenderBlueprint.Text(env, "value"));
    }

    [Fact]
    public void Asset_root_lies_on_the_persistent_disk()
    {
        var disk = RenderBlueprint.Map(_blueprint.Service, "disk");
        Assert.NotNull(disk);
        var mount = RenderBlueprint.Text(disk, "mountPath")!;

        Assert.StartsWith(mount.TrimEnd('/') + "/", RenderBlueprint.Text(_blueprint.Env("Assets__Root"), "value"));
        Assert.NotEqual("free", RenderBlueprint.Text(_blueprint.Service, "plan")); // disks need a paid plan
    }

    [Fact]
    public void Every_env_var_is_either_a_value_a_database_reference_a_generated_value_or_a_prompt()
    {
        foreach (var env in _blueprint.EnvVars)
        {
            var ways = new[]
            {
                RenderBlueprint.Text(env, "value") is not null,
                RenderBlueprint.Map(env, "fromDatabase") is not null,
                RenderBlueprint.Text(env, "generateValue") == "true",
                RenderBlueprint.Text(env, "sync") == "false",
            };
            Assert.True(ways.Count(w => w) == 1, $"{RenderBlueprint.Text(env, "key")} must be set exactly one way.");
        }
    }

    [Fact]
    public async Task Health_check_path_answers_200_from_the_app_configured_as_the_blueprint_configures_it()
    {
        var path = RenderBlueprint.Text(_blueprint.Service, "healthCheckPath");
        Assert.NotNull(path);
        using var client = app.CreateClient();

        using var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Blueprint_deploy_without_stripe_secrets_refuses_to_start_naming_them()
    {
        var app = new BlueprintAppWithoutStripe();

        var ex = await Record.ExceptionAsync(app.InitializeAsync);
        await app.DisposeAsync();

        while (ex is not null and not RequiredSettingException && ex.InnerException is not null) ex = ex.InnerException;
        var setting = Assert.IsType<RequiredSettingException>(ex);
        Assert.Equal("Stripe:SecretKey", setting.Setting);
        Assert.Contains("Stripe:WebhookSecret", setting.Message);
        Assert.Contains("Payments:AllowTestPayments=true", setting.Message);
    }

    [Fact]
    public async Task Production_app_with_stripe_shows_no_simulated_payments_banner()
    {
        using var client = app.CreateClient();

        var home = await client.GetAsync("/");

        Assert.Null(home.Document.QuerySelector("[data-testid=test-payments-banner]"));
    }

    private sealed class BlueprintAppWithoutStripe : BlueprintApp
    {
        protected override bool OperatorTypesStripeKeys => false;
    }

    [Fact]
    public async Task Production_app_serves_pages_and_static_assets()
    {
        using var client = app.CreateClient();

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.Status);
        foreach (var asset in new[] { "/css/site.css", "/lib/htmx/htmx.min.js", "/js/site.js" })
        {
            Assert.NotNull(home.Document.QuerySelector($"[href='{asset}'], [src='{asset}']"));
            using var response = await client.Http.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
