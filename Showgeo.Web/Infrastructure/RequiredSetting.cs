namespace Showgeo.Web.Infrastructure;

/// <summary>Thrown at startup when a required configuration value is missing or invalid; the message names the setting.</summary>
public sealed class RequiredSettingException(string setting, string problem)
    : Exception($"Configuration setting '{setting}' {problem}")
{
    public string Setting { get; } = setting;
}
