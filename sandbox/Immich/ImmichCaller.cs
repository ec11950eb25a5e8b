namespace Sandbox.Immich;

/// <summary>Who is calling: always a user, plus the API key or the login session used.</summary>
public sealed record ImmichCaller(ImmichUser User, ImmichApiKey? ApiKey, ImmichSession? Session);
