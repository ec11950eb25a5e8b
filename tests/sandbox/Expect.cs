namespace Sandbox.Tests;

/// <summary>Assertions on the error bodies of each server (contracts-immich.md, contracts-jim.md).</summary>
public static class Expect
{
    /// <summary>1.x/2.x: message, error, statusCode, correlationId; 3.x: message only, id in X-Correlation-ID.</summary>
    public static void ImmichError(string line, Reply reply, int status)
    {
        Assert.Equal(status, reply.Code);
        var names = reply.Json.EnumerateObject().Select(p => p.Name).ToArray();
        if (line == "3.x")
        {
            Assert.True(names.SequenceEqual(["message"]) || names.SequenceEqual(["message", "errors"]), reply.Body);
            Assert.False(string.IsNullOrEmpty(reply.Header("X-Correlation-ID")));
        }
        else
        {
            Assert.Equal(["message", "error", "statusCode", "correlationId"], names);
            Assert.Equal(status, reply.Json.GetProperty("statusCode").GetInt32());
        }
    }

    /// <summary>JIM's ApiErrorResponse: code, message, details, validationErrors, timestamp.</summary>
    public static void JimApiError(Reply reply, string code, string message, int status = 404)
    {
        Assert.Equal(status, reply.Code);
        var body = reply.Json;
        Assert.Equal(["code", "message", "details", "validationErrors", "timestamp"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(message, body.GetProperty("message").GetString());
    }
}
