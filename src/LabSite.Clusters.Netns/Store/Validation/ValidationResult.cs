namespace LabSite.Clusters.Netns.Store.Validation;

/// <summary>
/// What is wrong with one object: decode errors (wrong types, unknown fields: the API server answers
/// BadRequest) or field errors (values: it answers Invalid). Decode errors come first and stop validation.
/// </summary>
public sealed record ValidationResult(IReadOnlyList<FieldError> DecodeErrors, IReadOnlyList<FieldError> FieldErrors)
{
    public bool Ok => DecodeErrors.Count == 0 && FieldErrors.Count == 0;

    /// <summary>Accepted values the API server warns about; they never make the result not <see cref="Ok"/>.</summary>
    public IReadOnlyList<FieldError> Warnings { get; init; } = [];
}
