using LabSite.Shell.Bpftool;

namespace LabSite.Shell.Tests.Bpftool;

public class BpftoolOutputTests
{
    private const string Text = """
        10: lpm_trie  name ls_ipcache  flags 0x1
        	key 8B  value 4B  max_entries 16384  memlock 0B
        	btf_id 55
        90: lpm_trie  name ls_ipcache  flags 0x1
        	key 8B  value 4B  max_entries 16384  memlock 0B
        12: array  name bpf_lxc.rodata  flags 0x80
        	key 4B  value 24B  max_entries 1  memlock 0B
        	frozen

        """;

    [Fact]
    public void Text_listing_keeps_whole_blocks_of_the_chosen_ids()
    {
        Assert.Equal("10: lpm_trie  name ls_ipcache  flags 0x1\n\tkey 8B  value 4B  max_entries 16384  memlock 0B\n\tbtf_id 55\n12: array  name bpf_lxc.rodata  flags 0x80\n\tkey 4B  value 24B  max_entries 1  memlock 0B\n\tfrozen\n",
            BpftoolOutput.FilterText(Text, new HashSet<uint> { 10, 12 }));
        Assert.Equal("", BpftoolOutput.FilterText(Text, new HashSet<uint>()));
    }

    [Fact]
    public void Json_listing_keeps_the_chosen_ids_and_reads_names_and_tags()
    {
        const string json = """[{"id":40,"type":"sched_cls","name":"from_container","tag":"0123456789abcdef"},{"id":95,"name":"from_container"},{"noid":1}]""";
        Assert.Equal("""[{"id":40,"type":"sched_cls","name":"from_container","tag":"0123456789abcdef"}]""" + "\n", BpftoolOutput.FilterJson(json, new HashSet<uint> { 40 }, pretty: false));
        Assert.Equal("[\n    {\n        \"id\": 40,\n        \"name\": \"from_container\"\n    }\n]\n", BpftoolOutput.FilterJson("""[{"id":40,"name":"from_container"}]""", new HashSet<uint> { 40 }, pretty: true));
        Assert.Equal([new ListedObject(40, "from_container", "0123456789abcdef"), new ListedObject(95, "from_container", null)], BpftoolOutput.Listing(json));
    }

    [Fact]
    public void Json_that_is_not_a_list_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => BpftoolOutput.Listing("{\"error\":\"x\"}"));
        Assert.Equal("bpftool printed JSON that is not a list", e.Message);
        Assert.StartsWith("bpftool printed JSON we could not read:", Assert.Throws<InvalidOperationException>(() => BpftoolOutput.Listing("[")).Message);
    }
}
