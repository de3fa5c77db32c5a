using System.Collections.Concurrent;
using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Sends one HTML email. SMTP when <c>Email:SmtpHost</c> is set; otherwise see <see cref="EmailSetup"/>. Throws
/// <see cref="System.Net.Mail.SmtpException"/>, <see cref="IOException"/> or <see cref="InvalidOperationException"/> when the mail cannot go out.
/// </summary>
public interface IEmailSender
{
    Task SendAsync(string to, string subject, string htmlBody, CancellationToken ct = default);
}

public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public bool SmtpEnableSsl { get; set; } = true;
    public string From { get; set; } = "Showgeo <no-reply@showgeo.local>";

    public bool SmtpEnabled => !string.IsNullOrWhiteSpace(SmtpHost);

    public void Validate()
    {
        if (!SmtpEnabled) return;
        if (string.IsNullOrWhiteSpace(SmtpUser) != string.IsNullOrWhiteSpace(SmtpPassword))
            throw new RequiredSettingException(
                string.IsNullOrWhiteSpace(SmtpUser) ? "Email:SmtpUser" : "Email:SmtpPassword",
                "is required when the other SMTP credential is set.");
        try { _ = new MailAddress(From); }
        catch (FormatException) { throw new RequiredSettingException("Email:From", "must be an email address."); }
    }
}

public sealed record SentEmail(DateTimeOffset SentAt, string To, string Subject, string HtmlBody);

/// <summary>
/// Keeps the last messages in memory instead of sending them, for Development and tests (the <c>/dev/mail</c> page
/// lists them). REVIEW: memory only, so the list empties on restart; the confirmation links stay valid, as they are
/// tokens checked against the user's security stamp, not rows.
/// </summary>
public sealed class InMemoryEmailSender(TimeProvider clock) : IEmailSender
{
    private const int Keep = 200;
    private readonly ConcurrentQueue<SentEmail> _sent = new();

    public IReadOnlyList<SentEmail> Sent => _sent.Reverse().ToList();

    public Task SendAsync(string to, string subject, string htmlBody, CancellationToken ct = default)
    {
        _sent.Enqueue(new SentEmail(clock.GetUtcNow(), to, subject, htmlBody));
        while (_sent.Count > Keep) _sent.TryDequeue(out _);
        return Task.CompletedTask;
    }
}

internal sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task SendAsync(string to, string subject, string htmlBody, CancellationToken ct = default)
    {
        var o = options.Value;
        using var message = new MailMessage(new MailAddress(o.From), new MailAddress(to))
        {
            Subject = subject, Body = htmlBody, IsBodyHtml = true,
        };
        using var smtp = new SmtpClient(o.SmtpHost!, o.SmtpPort) { EnableSsl = o.SmtpEnableSsl };
        if (!string.IsNullOrWhiteSpace(o.SmtpUser)) smtp.Credentials = new NetworkCredential(o.SmtpUser, o.SmtpPassword);
        await smtp.SendMailAsync(message, ct);
    }
}

/// <summary>
/// Outside Development and Testing with no SMTP: nothing can be sent (startup logs a warning). It throws, so a caller
/// never tells the user that a message went out.
/// </summary>
internal sealed class UnconfiguredEmailSender : IEmailSender
{
    public Task SendAsync(string to, string subject, string htmlBody, CancellationToken ct = default) =>
        throw new InvalidOperationException("Email is not configured (Email:SmtpHost is not set).");
}

public static class EmailSetup
{
    public static WebApplicationBuilder AddShowgeoEmail(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(Options.Create(options));
        if (options.SmtpEnabled)
            builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        else if (builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing"))
        {
            builder.Services.AddSingleton<InMemoryEmailSender>();
            builder.Services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<InMemoryEmailSender>());
        }
        else
        {
            builder.Services.AddSingleton<IEmailSender, UnconfiguredEmailSender>();
            builder.Services.AddHostedService<UnconfiguredEmailWarning>();
        }
        return builder;
    }

    private sealed class UnconfiguredEmailWarning(ILogger<UnconfiguredEmailWarning> log) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            log.LogWarning("Email:SmtpHost is not set: confirmation emails will not be sent, so new local accounts stay unconfirmed and Google sign-in links to them only after their password is entered.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
