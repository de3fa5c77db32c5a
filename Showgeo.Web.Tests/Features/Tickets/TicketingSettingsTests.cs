using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class TicketingSettingsTests
{
    [Fact]
    public void Production_without_a_ticket_signing_key_stops_startup_and_development_gets_a_default()
    {
        var ex = Assert.Throws<RequiredSettingException>(() => new TicketingOptions().Validate(new Env("Production")));
        Assert.Equal("Tickets:SigningKey", ex.Setting);
        var dev = new TicketingOptions();
        dev.Validate(new Env("Development"));
        Assert.False(string.IsNullOrEmpty(dev.SigningKey));
    }

    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Showgeo.Web";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
