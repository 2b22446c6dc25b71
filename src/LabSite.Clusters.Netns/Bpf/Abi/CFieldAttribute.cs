namespace LabSite.Clusters.Netns.Bpf.Abi;

/// <summary>
/// Names the C field (in bpf/include/*.h) that a field of a blittable mirror struct stands for.
/// AbiLayoutTests compare every such field's offset and the struct's size with the compiled object's BTF.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class CFieldAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Names the C struct a mirror type stands for, e.g. <c>[CStruct("lb4_key")]</c>.</summary>
[AttributeUsage(AttributeTargets.Struct)]
public sealed class CStructAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
