using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>A minimal SMTP server on loopback that accepts one message per connection and keeps its DATA.</summary>
public sealed class FakeSmtp : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public List<(string From, string To, string Data)> Messages { get; } = [];
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public FakeSmtp()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                await ServeAsync(socket.GetStream());
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake-smtp ready");
        string from = "", to = "";
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO": await writer.WriteLineAsync("250 fake-smtp"); break;
                case "MAIL": from = line; await writer.WriteLineAsync("250 OK"); break;
                case "RCPT": to = line; await writer.WriteLineAsync("250 OK"); break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(_stop.Token) is { } d && d != ".") data.AppendLine(d);
                    lock (Messages) Messages.Add((from, to, data.ToString()));
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT": await writer.WriteLineAsync("221 Bye"); return;
                default: await writer.WriteLineAsync("250 OK"); break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

public sealed class SmtpApp : ShowgeoApp
{
    public FakeSmtp Smtp { get; } = new();

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Email:SmtpHost"] = "127.0.0.1";
        settings["Email:SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Email:SmtpEnableSsl"] = "false";
        settings["Email:From"] = "Showgeo <hello@showgeo.example>";
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class SmtpEmailTests(SmtpApp app) : IClassFixture<SmtpApp>
{
    [Fact]
    public async Task With_an_smtp_host_registration_mail_goes_out_over_smtp_and_is_not_kept_in_memory()
    {
        using var client = app.CreateClient();

        await client.RegisterAsync("sam@example.com", "sam-pass-1", "Sam");

        Assert.Null(app.Services.GetService<InMemoryEmailSender>());
        var (from, to, data) = Assert.Single(app.Smtp.Messages);
        Assert.Contains("hello@showgeo.example", from);
        Assert.Contains("sam@example.com", to);
        Assert.Contains("Subject: Confirm your Showgeo email address", data);
    }
}
