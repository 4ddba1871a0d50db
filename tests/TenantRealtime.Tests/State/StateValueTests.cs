using System.Text;
using System.Text.Json;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Tests.State;

/// <summary>A value is kept as its JSON, checked when another writer made it, and read back to plain values once.</summary>
public sealed class StateValueTests
{
    [Fact]
    public void AValueIsReadBackToPlainValuesOnceAndSharedByEveryReader()
    {
        var value = StateValueSerializer.FromJson("""{"status":"open","n":3,"tags":["a"]}"""u8);

        value.Bytes.Should().Be(36, "the size the bound measures is the JSON's");
        var plain = value.Plain.Should().BeAssignableTo<IReadOnlyDictionary<string, object?>>().Subject;
        plain.Should().Contain("status", "open").And.Contain("n", 3L);
        value.Plain.Should().BeSameAs(plain, "every message and recipient shares one read");
        StateValueSerializer.FromJson("null"u8).Plain.Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("undefined")]
    public void JsonOfAnotherWriterThatIsNotOneValueIsRefusedWhereItArrives(string json)
    {
        var read = () => StateValueSerializer.FromJson(Encoding.UTF8.GetBytes(json));

        read.Should().Throw<JsonException>();
    }
}
