using SampleHost.Api;

namespace SampleHost.Storage;

/// <summary>The result of a command: the resource, or why not (as the HTTP status it will become).</summary>
internal sealed class Outcome<T>
    where T : class
{
    private Outcome(T? value, IResult? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public IResult? Problem { get; }

    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Fail(IResult problem) => new(null, problem);

    public static Outcome<T> NotFound(string resource, string id) => new(null, Problems.NotFound(resource, id));

    public static Outcome<T> Forbidden(string detail) => new(null, Problems.Forbidden(detail));

    public static Outcome<T> LimitExceeded(string sentence) => new(null, Problems.LimitExceeded(sentence));

    public static Outcome<T> Invalid(FieldErrors errors) => new(null, errors.ToResult());

    public IResult ToResult(Func<T, IResult> ok) => Value is not null ? ok(Value) : Problem!;
}
